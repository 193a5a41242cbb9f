// `quarry ingest`: add files and folders to a collection.
#include <cstdio>
#include <memory>

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
  std::string precision = "float32";
  uint32_t dimensions = CollectionConfig{}.embedder.dimensions;
  uint32_t chunk_tokens = CollectionConfig{}.chunking.target_tokens;
  double overlap = CollectionConfig{}.chunking.overlap;
  uint64_t max_file_bytes = ingest::FileSourceOptions{}.max_file_bytes;
  size_t batch = 64;
  bool quiet = false;
};

int RunIngest(const IngestFlags& flags) {
  Stopwatch clock;
  CollectionConfig config;
  config.embedder.dimensions = flags.dimensions;
  if (flags.embedder == "local") {
    config.embedder.kind = EmbedderKind::kLocal;
    config.embedder.model = flags.model;
    config.embedder.dimensions = 0;  // the model's
    config.embedder.precision =
        flags.precision == "int8" ? EmbedderPrecision::kInt8 : EmbedderPrecision::kFloat32;
  }
  config.chunking.target_tokens = flags.chunk_tokens;
  config.chunking.overlap = flags.overlap;
  Status valid = ValidateCollectionConfig(config);
  if (!valid.ok()) return FailWith(valid);

  ingest::FileSourceOptions source;
  source.max_file_bytes = flags.max_file_bytes;
  auto files = ingest::CollectFiles(flags.paths, source);
  if (!files.ok()) return FailWith(files.status());

  auto opened = OpenCollection(flags.data, flags.collection, &config);
  if (!opened.ok()) return FailWith(opened.status());
  if (opened->created && !flags.quiet) {
    std::printf("created collection '%s'\n", flags.collection.c_str());
  }

  UpsertSummary total;
  size_t failed = 0;
  std::vector<DocumentInput> batch;
  std::vector<std::string> batch_paths;
  const auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    Result<UpsertSummary> r = opened->collection->Upsert(std::move(batch));
    batch.clear();
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
  for (const ingest::FileEntry& entry : files->files) {
    Result<DocumentInput> doc = ingest::ReadDocumentFile(entry, source);
    if (!doc.ok()) {
      ++failed;
      std::fprintf(stderr, "quarry: failed: %s: %s\n", entry.path.c_str(),
                   doc.status().message().c_str());
      continue;
    }
    batch.push_back(std::move(doc).value());
    if (batch.size() >= flags.batch) {
      Status s = flush();
      if (!s.ok()) return FailWith(s);
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
      "ingested %u documents (%u chunks) into '%s', %u unchanged, %zu skipped, %zu failed in "
      "%.2f s\n",
      total.documents, total.chunks, flags.collection.c_str(), total.unchanged,
      files->skipped.size(), failed, clock.ElapsedMillis() / 1000.0);
  return failed == 0 ? kExitOk : Fail(kExitRuntimeError, std::to_string(failed) +
                                                             " file(s) could not be ingested");
}

}  // namespace

CommandRunner RegisterIngest(CLI::App& app) {
  auto flags = std::make_shared<IngestFlags>();
  CLI::App* cmd = app.add_subcommand("ingest", "Add text and Markdown files or folders");
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
  cmd->add_option("--precision", flags->precision,
                  "Linear-layer arithmetic of a new local collection: float32 or int8 (faster)")
      ->check(CLI::IsMember({"float32", "int8"}))
      ->capture_default_str();
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
  return [flags] { return RunIngest(*flags); };
}

}  // namespace quarry::cli
