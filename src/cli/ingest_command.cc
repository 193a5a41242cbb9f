// `quarry ingest`: add files and folders to a collection. A JSON or JSON Lines
// file adds one document per record (ingest/json_records.h).
#include <cstdio>
#include <memory>
#include <unordered_set>

#include "base/stopwatch.h"
#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/open_collection.h"
#include "ingest/file_source.h"

namespace quarry::cli {
namespace {

struct IngestFlags {
  std::string data = "./quarry-data";
  std::string collection = "default";
  std::vector<std::string> paths;
  std::string embedder = "lexical";
  std::string model;
  uint32_t dimensions = CollectionConfig{}.embedder.dimensions;
  uint32_t chunk_tokens = CollectionConfig{}.chunking.target_tokens;
  double overlap = CollectionConfig{}.chunking.overlap;
  uint64_t max_file_bytes = ingest::FileSourceOptions{}.max_file_bytes;
  size_t batch = 64;
  bool quiet = false;
  ingest::JsonRecordOptions json;
  std::string json_id_field;  // "" = the defaults of JsonRecordOptions
};

int RunIngest(const IngestFlags& flags) {
  Stopwatch clock;
  CollectionConfig config;
  config.embedder.dimensions = flags.dimensions;
  if (flags.embedder == "local") {
    config.embedder.kind = EmbedderKind::kLocal;
    config.embedder.model = flags.model;
    config.embedder.dimensions = 0;  // the model's
  }
  config.chunking.target_tokens = flags.chunk_tokens;
  config.chunking.overlap = flags.overlap;
  Status valid = ValidateCollectionConfig(config);
  if (!valid.ok()) return FailWith(valid);

  ingest::FileSourceOptions source;
  source.max_file_bytes = flags.max_file_bytes;
  source.json = flags.json;
  if (!flags.json_id_field.empty()) source.json.id_fields = {flags.json_id_field};
  auto files = ingest::CollectFiles(flags.paths, source);
  if (!files.ok()) return FailWith(files.status());

  auto opened = OpenCollection(flags.data, flags.collection, &config);
  if (!opened.ok()) return FailWith(opened.status());
  if (opened->created && !flags.quiet) {
    std::printf("created collection '%s'\n", flags.collection.c_str());
  }

  UpsertSummary total;
  size_t failed = 0;
  size_t skipped_records = 0;
  std::vector<DocumentInput> batch;
  std::unordered_set<std::string> batch_ids;  // one write may not repeat an id
  const auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    Result<UpsertSummary> r = opened->collection->Upsert(std::move(batch));
    batch.clear();
    batch_ids.clear();
    if (!r.ok()) return r.status();
    total.documents += r->documents;
    total.unchanged += r->unchanged;
    total.chunks += r->chunks;
    if (!flags.quiet) {
      std::printf("  %u documents, %u chunks so far\n", total.documents + total.unchanged,
                  total.chunks);
    }
    return Status::Ok();
  };
  // A record repeating an id of the open batch goes into the next write, so
  // the later record replaces the earlier one as a later upsert would. Write
  // errors stop the whole run; read errors fail one file.
  Status write_error = Status::Ok();
  const ingest::DocumentSink add = [&](DocumentInput doc) -> Status {
    if (batch_ids.count(doc.id) != 0) write_error = flush();
    if (!write_error.ok()) return write_error;
    batch_ids.insert(doc.id);
    batch.push_back(std::move(doc));
    if (batch.size() >= flags.batch) write_error = flush();
    return write_error;
  };
  for (const ingest::FileEntry& entry : files->files) {
    const ingest::ProblemSink problem = [&](std::string reason) {
      ++skipped_records;
      std::fprintf(stderr, "quarry: skipped record: %s: %s\n", entry.path.c_str(),
                   reason.c_str());
    };
    Status read = ingest::ReadDocuments(entry, source, add, problem);
    if (!write_error.ok()) return FailWith(write_error);
    if (!read.ok()) {
      ++failed;
      std::fprintf(stderr, "quarry: failed: %s: %s\n", entry.path.c_str(),
                   read.message().c_str());
    }
  }
  Status s = flush();
  if (!s.ok()) return FailWith(s);
  if (!flags.quiet) {
    for (const std::string& skipped : files->skipped) {
      std::printf("skipped %s\n", skipped.c_str());
    }
  }
  std::printf(
      "ingested %u documents (%u chunks) into '%s', %u unchanged, %zu skipped, %zu failed, "
      "%zu records skipped in %.2f s\n",
      total.documents, total.chunks, flags.collection.c_str(), total.unchanged,
      files->skipped.size(), failed, skipped_records, clock.ElapsedMillis() / 1000.0);
  return failed == 0 ? kExitOk : Fail(kExitRuntimeError, std::to_string(failed) +
                                                             " file(s) could not be ingested");
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
  cmd->add_option("--embedder", flags->embedder, "Embedder of a new collection: lexical or local")
      ->check(CLI::IsMember({"lexical", "local"}))
      ->capture_default_str();
  cmd->add_option("--model", flags->model,
                  "Sentence-transformers model folder, for --embedder local");
  cmd->add_option("--dimensions", flags->dimensions, "Vector dimensions, for a new collection")
      ->capture_default_str();
  cmd->add_option("--chunk-tokens", flags->chunk_tokens, "Target chunk size, for a new collection")
      ->capture_default_str();
  cmd->add_option("--overlap", flags->overlap, "Chunk overlap ratio, for a new collection")
      ->capture_default_str();
  cmd->add_option("--max-file-bytes", flags->max_file_bytes, "Larger files fail")
      ->capture_default_str();
  cmd->add_option("--batch", flags->batch, "Documents per write")
      ->check(CLI::Range(size_t{1}, size_t{10000}))
      ->capture_default_str();
  cmd->add_flag("--quiet", flags->quiet, "Print only the summary");
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
