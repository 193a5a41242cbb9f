// `quarry ingest`: add files and folders to a collection. A JSON or JSON Lines
// file adds one document per record (ingest/json_records.h).
//
// Progress goes to stderr (cli/ingest_progress.h), the summary to stdout
// (cli/ingest_summary.h). Exit status: 0 when every file and record went in
// or was unchanged; 1 (kExitRuntimeError) when any file or record failed or
// an entry was left out for an error (unless --allow-failures), or when a
// write failed (always: the run stops there, after the summary of what was
// written); 2 for usage errors.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "base/parallel_for.h"
#include "base/stopwatch.h"
#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/finish_segments.h"
#include "cli/ingest_progress.h"
#include "cli/ingest_summary.h"
#include "cli/open_collection.h"
#include "ingest/file_prefetcher.h"
#include "ingest/file_source.h"
#include "ingest/path_glob.h"
#include "ingest/pdf/pdf_sandbox.h"
#include "ingest/write_pipeline.h"

namespace quarry::cli {
namespace {

struct IngestFlags {
  std::string data = "./quarry-data";
  std::string collection = "default";
  std::vector<std::string> paths;
  std::string embedder = "lexical";
  std::string model;
  std::string embedder_url;
  std::string embedder_model;
  std::string embedder_key_env;
  std::string api_key_header;  // "" = the config's default
  std::string precision = "float32";
  std::optional<std::string> query_prompt;
  std::optional<std::string> document_prompt;
  uint32_t dimensions = CollectionConfig{}.embedder.dimensions;
  bool dimensions_given = false;
  uint32_t chunk_tokens = CollectionConfig{}.chunking.target_tokens;
  double overlap = CollectionConfig{}.chunking.overlap;
  std::string chunking = "structure";
  double breakpoint_percentile = CollectionConfig{}.chunking.breakpoint_percentile;
  uint64_t max_file_bytes = ingest::FileSourceOptions{}.max_file_bytes;
  size_t batch = 64;
  bool quiet = false;
  bool allow_failures = false;
  bool merge = true;              // --no-merge: leave the new segments to the next server's merges
  double progress_interval = -1;  // seconds; < 0: 0.2 on a terminal, 5 otherwise
  std::vector<std::string> includes;
  std::vector<std::string> excludes;
  ingest::JsonRecordOptions json;
  std::string json_id_field;  // "" = the defaults of JsonRecordOptions
};

// The embedder of a new collection. Folder models (local, static) take their
// width from the model unless --dimensions is given; the remote one must be told.
Status EmbedderFromFlags(const IngestFlags& flags, EmbedderConfig* out) {
  out->dimensions = flags.dimensions;
  if (flags.embedder != "local" && flags.precision != "float32") {
    return Status::InvalidArgument("--precision is for --embedder local");
  }
  if (flags.embedder != "openai" &&
      !(flags.embedder_url.empty() && flags.embedder_model.empty() &&
        flags.embedder_key_env.empty() && flags.api_key_header.empty())) {
    return Status::InvalidArgument(
        "--base-url, --embedder-model, --embedder-key-env and --api-key-header are for "
        "--embedder openai");
  }
  // Validation says which types take prompts.
  out->query_prompt = flags.query_prompt;
  out->document_prompt = flags.document_prompt;
  if (flags.embedder == "local" || flags.embedder == "static") {
    out->kind = flags.embedder == "local" ? EmbedderKind::kLocal : EmbedderKind::kStatic;
    out->model = flags.model;
    if (!flags.dimensions_given) out->dimensions = 0;  // the model's
    out->precision =
        flags.precision == "int8" ? EmbedderPrecision::kInt8 : EmbedderPrecision::kFloat32;
  } else if (flags.embedder == "openai") {
    if (!flags.model.empty() && !flags.embedder_model.empty()) {
      return Status::InvalidArgument(
          "--model and --embedder-model both name the service's model; give one");
    }
    if (!flags.dimensions_given) {
      return Status::InvalidArgument("--dimensions is required with --embedder openai");
    }
    out->kind = EmbedderKind::kOpenAi;
    out->base_url = flags.embedder_url;
    out->model = flags.embedder_model.empty() ? flags.model : flags.embedder_model;
    out->api_key_env = flags.embedder_key_env;
    if (!flags.api_key_header.empty()) out->api_key_header = flags.api_key_header;
  }
  return Status::Ok();
}

// One line for a message: no line breaks inside.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

ProgressReporter::Mode ProgressMode(const IngestFlags& flags) {
  if (flags.quiet) return ProgressReporter::Mode::kOff;
  return ::isatty(STDERR_FILENO) ? ProgressReporter::Mode::kTerminal
                                 : ProgressReporter::Mode::kLines;
}

int RunIngest(const IngestFlags& flags) {
  Stopwatch clock;
  CollectionConfig config;
  Status embedder = EmbedderFromFlags(flags, &config.embedder);
  if (!embedder.ok()) return FailWith(embedder);
  config.chunking.target_tokens = flags.chunk_tokens;
  config.chunking.overlap = flags.overlap;
  config.chunking.strategy =
      flags.chunking == "semantic" ? ChunkingStrategy::kSemantic : ChunkingStrategy::kStructure;
  config.chunking.breakpoint_percentile = flags.breakpoint_percentile;
  Status valid = ValidateCollectionConfig(config);
  if (!valid.ok()) return FailWith(valid);

  ingest::FileSourceOptions source;
  source.max_file_bytes = flags.max_file_bytes;
  source.json = flags.json;
  if (!flags.json_id_field.empty()) source.json.id_fields = {flags.json_id_field};
  auto filter = ingest::PathFilter::Create(flags.includes, flags.excludes);
  if (!filter.ok()) return FailWith(filter.status());
  source.filter = std::move(filter).value();
  // One fork server per ingestion thread at most, started on the first PDF
  // (none for a folder without PDFs); QUARRY_PDF_FORK_SERVER=0 spawns per PDF.
  if (ingest::PdfForkServerEnabled()) {
    source.pdf_servers =
        std::make_shared<ingest::PdfForkServerPool>(ingest::DefaultPdfHelperPath());
  }
  auto files = ingest::CollectFiles(flags.paths, source);
  if (!files.ok()) return FailWith(files.status());

  auto opened = OpenCollection(flags.data, flags.collection, &config);
  if (!opened.ok()) return FailWith(opened.status());
  if (opened->created && !flags.quiet) {
    std::printf("created collection '%s'\n", flags.collection.c_str());
    std::fflush(stdout);
  }

  const ProgressReporter::Mode mode = ProgressMode(flags);
  const double interval = flags.progress_interval >= 0                ? flags.progress_interval
                          : mode == ProgressReporter::Mode::kTerminal ? 0.2
                                                                      : 5.0;
  ProgressReporter progress(&std::cerr, mode, interval, ProgressReporter::SteadyClock());
  IngestReport report;
  report.collection = flags.collection;
  report.skipped_files = files->skipped.size();
  report.excluded_files = files->excluded;
  IngestCounts counts;
  counts.files_total = files->files.size();
  // Bytes of the files done, plus those read of a JSON Lines file being streamed.
  uint64_t bytes_of_done_files = 0;
  for (const ingest::FileEntry& entry : files->files) counts.bytes_total += entry.size_bytes;
  for (const std::string& error : files->errors) {
    ++report.failed_files;
    report.failures.push_back(OneLine(error));
    progress.Note("quarry: skipped: " + OneLine(error));
  }

  ingest::WritePipelineOptions write_options;
  write_options.batch_documents = flags.batch;
  write_options.writers = IngestThreads();  // one per core: see ingest-cli.md
  ingest::WritePipeline writer(opened->collection.get(), write_options);
  // The writes' counts, taken whenever progress is shown.
  const auto update_progress = [&] {
    const ingest::WriteTotals written = writer.totals();
    counts.documents = written.documents + written.unchanged;
    counts.chunks = written.chunks;
    progress.Update(counts);
  };
  source.read_progress = [&](uint64_t bytes_read) {
    counts.bytes_done = bytes_of_done_files + bytes_read;
    update_progress();
  };
  // Write errors stop the whole run; read errors fail one file.
  Status write_error = Status::Ok();
  const ingest::DocumentSink add = [&](DocumentInput doc) -> Status {
    write_error = writer.Add(std::move(doc));
    return write_error;
  };
  // What was written, the files skipped and the failures, on stdout.
  const auto print_summary = [&] {
    const ingest::WriteTotals written = writer.totals();
    report.documents = written.documents;
    report.unchanged = written.unchanged;
    report.chunks = written.chunks;
    if (!flags.quiet) {
      for (const std::string& skipped : files->skipped) {
        std::printf("skipped %s\n", skipped.c_str());
      }
    }
    report.elapsed_seconds = clock.ElapsedMillis() / 1000.0;
    std::fputs(FormatIngestSummary(report).c_str(), stdout);
    std::fflush(stdout);
  };
  progress.Update(counts);
  // Files are read and extracted ahead on the ingestion threads, and their
  // documents written in file order (ingest/file_prefetcher.h).
  const size_t threads = IngestThreads();
  ingest::FilePrefetcher prefetcher(&files->files, source, threads, 4 * threads);
  for (size_t i = 0; i < files->files.size(); ++i) {
    const ingest::FileEntry& entry = files->files[i];
    const ingest::ProblemSink problem = [&](std::string reason) {
      ++report.failed_records;
      const std::string line = OneLine(entry.path + ": " + reason);
      report.failures.push_back(line);
      progress.Note("quarry: skipped record: " + line);
    };
    ingest::PrefetchedFile file = prefetcher.Take(i);
    Status read = Status::Ok();
    if (file.streamed) {
      read = ingest::ReadDocuments(entry, source, add, problem);
    } else {
      for (std::string& p : file.problems) problem(std::move(p));
      for (DocumentInput& doc : file.documents) {
        if (!add(std::move(doc)).ok()) break;
      }
      read = write_error.ok() ? file.status : write_error;
    }
    if (!write_error.ok()) {  // nothing more can be written: stop here
      (void)writer.Finish();  // the writes in flight complete
      update_progress();
      progress.Finish(counts);
      print_summary();
      return FailWith(write_error);
    }
    if (!read.ok()) {
      ++report.failed_files;
      // Most reasons already name the path; say it once.
      std::string reason = read.message();
      if (reason.rfind(entry.path + ": ", 0) == 0) reason.erase(0, entry.path.size() + 2);
      const std::string line = OneLine(entry.path + ": " + reason);
      report.failures.push_back(line);
      progress.Note("quarry: failed: " + line);
    }
    ++counts.files_done;
    bytes_of_done_files += entry.size_bytes;
    counts.bytes_done = bytes_of_done_files;
    report.bytes += entry.size_bytes;
    update_progress();
  }
  Status s = writer.Finish();
  update_progress();
  progress.Finish(counts);
  // A bulk load's end: merges were held back while writing (the engine runs
  // none in the background here, see OpenCollection), so the writes had both
  // cores and none of the memory of a merge; now the rows still in memory are
  // sealed (the next open replays nothing) and the segments merged.
  if (s.ok()) s = FinishSegments(*opened->collection, flags.merge, flags.quiet, progress, &report);
  print_summary();
  if (!s.ok()) return FailWith(s);
  if (!HasFailures(report) || flags.allow_failures) return kExitOk;
  return Fail(kExitRuntimeError,
              std::to_string(report.failed_files) + " file(s) and " +
                  std::to_string(report.failed_records) +
                  " record(s) could not be ingested (see the summary; --allow-failures "
                  "exits 0 anyway)");
}

}  // namespace

CommandRunner RegisterIngest(CLI::App& app) {
  auto flags = std::make_shared<IngestFlags>();
  CLI::App* cmd = app.add_subcommand(
      "ingest", "Add text, Markdown, HTML, JSON and JSON Lines files or folders");
  cmd->add_option("--data", flags->data, "Data directory")->capture_default_str();
  cmd->add_option("--collection", flags->collection, "Collection (created if missing)")
      ->capture_default_str();
  cmd->add_option("paths", flags->paths, "Files and folders (folders are walked recursively)")
      ->required();
  cmd->add_option("--embedder", flags->embedder,
                  "Embedder of a new collection: lexical, local, static or openai")
      ->check(CLI::IsMember({"lexical", "local", "static", "openai"}))
      ->capture_default_str();
  cmd->add_option("--model", flags->model,
                  "Model folder: sentence-transformers (local) or model2vec (static); "
                  "for openai, the service's model name");
  cmd->add_option("--base-url,--embedder-url", flags->embedder_url,
                  "OpenAI-compatible service root, for --embedder openai "
                  "(e.g. http://127.0.0.1:11434/v1)");
  cmd->add_option("--embedder-model", flags->embedder_model,
                  "The service's model name, for --embedder openai");
  cmd->add_option("--embedder-key-env", flags->embedder_key_env,
                  "Name of the environment variable holding the API key, for --embedder openai");
  cmd->add_option("--api-key-header", flags->api_key_header,
                  "How the key is sent, for --embedder openai: authorization "
                  "(Authorization: Bearer KEY, the default) or api-key (Azure OpenAI)");
  cmd->add_option("--precision", flags->precision,
                  "Linear-layer arithmetic of a new local collection: float32 or int8 (faster)")
      ->check(CLI::IsMember({"float32", "int8"}))
      ->capture_default_str();
  cmd->add_option("--query-prompt", flags->query_prompt,
                  "Text put before each query, for a new local collection; replaces the "
                  "model folder's prompt (\"\" for none)");
  cmd->add_option("--document-prompt", flags->document_prompt,
                  "Text put before each chunk, for a new local collection; replaces the "
                  "model folder's prompt (\"\" for none)");
  cmd->add_option("--dimensions", flags->dimensions,
                  "Vector dimensions, for a new collection (required for openai)")
      ->capture_default_str()
      ->each([f = flags.get()](const std::string&) { f->dimensions_given = true; });
  cmd->add_option("--chunk-tokens", flags->chunk_tokens, "Target chunk size, for a new collection")
      ->capture_default_str();
  cmd->add_option("--overlap", flags->overlap, "Chunk overlap ratio, for a new collection")
      ->capture_default_str();
  cmd->add_option("--chunking", flags->chunking,
                  "Chunking strategy of a new collection: structure (sentences packed to "
                  "--chunk-tokens) or semantic (cut where neighbouring sentences' embeddings "
                  "drift apart; embeds every sentence once more)")
      ->check(CLI::IsMember({"structure", "semantic"}))
      ->capture_default_str();
  cmd->add_option("--breakpoint-percentile", flags->breakpoint_percentile,
                  "Semantic chunking: cut where the distance between neighbouring sentences is "
                  "above this percentile of the document's distances, in (0, 100]")
      ->capture_default_str();
  cmd->add_option("--max-file-bytes", flags->max_file_bytes, "Larger files fail")
      ->capture_default_str();
  cmd->add_option("--batch", flags->batch, "Documents per write")
      ->check(CLI::Range(size_t{1}, size_t{10000}))
      ->capture_default_str();
  cmd->add_flag("--quiet", flags->quiet, "No progress line; print only the summary");
  cmd->add_option("--include", flags->includes,
                  "In folders, take only files matching this glob (repeatable), against the "
                  "path relative to the folder: * ? [a-z] within a name, ** across folders, "
                  "'*.md' at any depth, 'docs/*.md' anchored, 'notes' a folder's files")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_option("--exclude", flags->excludes,
                  "In folders, leave out files and folders matching this glob (repeatable; "
                  "wins over --include; 'drafts/' matches folders only, which are not entered)")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_flag("!--no-merge", flags->merge,
                "Seal the new rows but leave merging the segments to the next 'quarry serve' "
                "(whose background merges do it), instead of merging them before exiting");
  cmd->add_flag("--allow-failures", flags->allow_failures,
                "Exit 0 even if some files or records failed (they are still listed)");
  cmd->add_option("--progress-interval", flags->progress_interval,
                  "Seconds between progress updates on stderr (default 0.2 on a terminal, "
                  "5 otherwise; 0 = every file)");
  cmd->add_option("--json-text-fields", flags->json.text_fields,
                  "JSON records: fields joined into the text (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--json-id-field", flags->json_id_field,
                  "JSON records: the id field (default _id, then id; else derived)");
  cmd->add_option("--json-title-field", flags->json.title_field, "JSON records: the title field")
      ->capture_default_str();
  cmd->add_option("--json-metadata-fields", flags->json.metadata_fields,
                  "JSON records: fields copied into the metadata (comma-separated)")
      ->delimiter(',');
  return [flags] { return RunIngest(*flags); };
}

}  // namespace quarry::cli
