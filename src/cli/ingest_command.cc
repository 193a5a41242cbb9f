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
  std::string embedder_url;
  std::string embedder_model;
  std::string embedder_key_env;
  std::string api_key_header;  // "" = the config's default
  std::string precision = "float32";
  uint32_t dimensions = CollectionConfig{}.embedder.dimensions;
  bool dimensions_given = false;
  uint32_t chunk_tokens = CollectionConfig{}.chunking.target_tokens;
  double overlap = CollectionConfig{}.chunking.overlap;
  uint64_t max_file_bytes = ingest::FileSourceOptions{}.max_file_bytes;
  size_t batch = 64;
  bool quiet = false;
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

int RunIngest(const IngestFlags& flags) {
  Stopwatch clock;
  CollectionConfig config;
  Status embedder = EmbedderFromFlags(flags, &config.embedder);
  if (!embedder.ok()) return FailWith(embedder);
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
  cmd->add_option("--dimensions", flags->dimensions,
                  "Vector dimensions, for a new collection (required for openai)")
      ->capture_default_str()
      ->each([f = flags.get()](const std::string&) { f->dimensions_given = true; });
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
