// `quarry eval`: loads a BEIR dataset into a collection, runs every judged
// query of a split in each search mode, and reports nDCG@10, Recall@100,
// MRR@10 and latency percentiles (search/evaluation.h) as a Markdown table
// and, with --json, a JSON report.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "base/stopwatch.h"
#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/open_collection.h"
#include "search/beir_dataset.h"
#include "search/evaluation.h"
#include "search/evaluation_report.h"

namespace quarry::cli {
namespace {

namespace fs = std::filesystem;

constexpr size_t kIngestBatch = 256;

struct EvalFlags {
  std::string dataset;
  std::string split = "test";
  std::string data;  // empty: a temporary directory, removed at the end
  std::string collection;
  std::vector<std::string> modes = {"keyword", "vector", "hybrid"};
  uint32_t k = 100;
  size_t max_queries = 0;
  size_t warmup = 20;
  std::string json;
  bool per_query = false;
  std::string fusion;  // empty: the collection's default
  double rrf_k = 60;
  double alpha = -1;  // negative: the default
  std::string chunking = "structure";
  CollectionConfig config;
};

Result<SearchMode> ParseMode(std::string_view mode) {
  if (mode == "keyword") return SearchMode::kKeyword;
  if (mode == "vector") return SearchMode::kVector;
  if (mode == "hybrid") return SearchMode::kHybrid;
  return Status::InvalidArgument("unknown mode '" + std::string(mode) +
                                 "' (keyword, vector, hybrid)");
}

// Removes a temporary data directory when the command ends.
struct TempData {
  std::string path;
  ~TempData() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
};

Status LoadCorpus(Collection& collection, const search::BeirDataset& dataset) {
  Stopwatch clock;
  std::vector<DocumentInput> batch;
  size_t done = 0;
  for (const search::BeirDocument& d : dataset.corpus) {
    DocumentInput in;
    in.id = d.id;
    in.title = d.title;
    in.text = d.text;
    batch.push_back(std::move(in));
    if (batch.size() == kIngestBatch || done + batch.size() == dataset.corpus.size()) {
      done += batch.size();
      QUARRY_RETURN_IF_ERROR(collection.Upsert(std::move(batch)).status());
      batch.clear();
      std::fprintf(stderr, "\ringested %zu / %zu documents", done, dataset.corpus.size());
    }
  }
  std::fprintf(stderr, "\ringested %zu documents in %.1f s\n", done, clock.ElapsedMillis() / 1000);
  // Sealed and merged as `quarry ingest` leaves a collection (no merge
  // thread runs here), so the figures are those of the collection served.
  QUARRY_RETURN_IF_ERROR(collection.Flush());
  return collection.Compact();
}

int RunEval(EvalFlags flags) {
  Result<search::BeirDataset> dataset = search::LoadBeirDataset(flags.dataset, flags.split);
  if (!dataset.ok()) {
    return Fail(kExitRuntimeError, "cannot load the BEIR dataset in '" + flags.dataset +
                                       "': " + dataset.status().message());
  }
  for (const std::string& m : flags.modes) {
    if (Status s = ParseMode(m).status(); !s.ok()) return FailWith(s);
  }
  flags.config.chunking.strategy =
      flags.chunking == "semantic" ? ChunkingStrategy::kSemantic : ChunkingStrategy::kStructure;
  TempData temp;
  if (flags.data.empty()) {
    std::string templ = (fs::temp_directory_path() / "quarry-eval-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) {
      return Fail(kExitRuntimeError, "cannot create a temporary data directory");
    }
    temp.path = flags.data = templ;
  }
  if (flags.collection.empty()) {
    flags.collection = "beir-" + fs::path(flags.dataset).lexically_normal().filename().string();
    if (flags.collection == "beir-") flags.collection = "beir";
  }
  Result<OpenedCollection> opened = OpenCollection(flags.data, flags.collection, &flags.config);
  if (!opened.ok()) return FailWith(opened.status());
  Collection& collection = *opened->collection;
  const CollectionInfo info = collection.Info();
  if (opened->created || info.documents == 0) {
    if (Status s = LoadCorpus(collection, *dataset); !s.ok()) return FailWith(s);
  } else if (info.documents != dataset->corpus.size()) {
    return Fail(kExitRuntimeError,
                "collection '" + flags.collection + "' holds " + std::to_string(info.documents) +
                    " documents, not the corpus's " + std::to_string(dataset->corpus.size()) +
                    "; use another --collection or an empty --data directory");
  } else {
    std::fprintf(stderr, "reusing collection '%s' (%llu documents)\n", flags.collection.c_str(),
                 static_cast<unsigned long long>(info.documents));
  }

  search::EvaluationOptions options;
  options.modes = flags.modes;
  options.k = flags.k;
  options.max_queries = flags.max_queries;
  options.warmup = flags.warmup;
  options.dataset = fs::path(flags.dataset).lexically_normal().filename().string();
  options.split = flags.split;
  options.progress = [](std::string_view mode, size_t done, size_t total) {
    if (done % 50 == 0 || done == total) {
      std::fprintf(stderr, "\r%.*s: %zu / %zu queries", static_cast<int>(mode.size()), mode.data(),
                   done, total);
      if (done == total) std::fprintf(stderr, "\n");
    }
  };
  // Hits are grouped by document: BEIR judges documents, and Recall@100 asks
  // for 100 of them, not 100 chunks.
  search::EvalSearchFn run = [&collection, &flags](std::string_view query, std::string_view mode,
                                                   uint32_t k) -> Result<search::EvalSearchResult> {
    SearchRequest request;
    if (!flags.fusion.empty()) {
      request.fusion = flags.fusion == "blend" ? FusionMethod::kBlend : FusionMethod::kRrf;
    }
    request.rrf_k = flags.rrf_k;
    if (flags.alpha >= 0) request.alpha = flags.alpha;
    request.query = std::string(query);
    request.k = k;
    request.group_by = GroupBy::kDocument;
    QUARRY_ASSIGN_OR_RETURN(request.mode, ParseMode(mode));
    QUARRY_ASSIGN_OR_RETURN(SearchResponse response, collection.Search(request));
    search::EvalSearchResult result;
    result.latency_ms = response.total_ms;
    for (const SearchHit& hit : response.hits) result.doc_ids.push_back(hit.document_id);
    return result;
  };
  Result<search::EvaluationReport> report = search::RunEvaluation(*dataset, run, options);
  if (!report.ok()) return FailWith(report.status());
  std::printf("%s", search::RenderEvaluationMarkdown(*report).c_str());
  if (!flags.json.empty()) {
    std::ofstream out(flags.json, std::ios::binary | std::ios::trunc);
    out << search::RenderEvaluationJson(*report, flags.per_query) << "\n";
    if (!out.good()) return Fail(kExitRuntimeError, "cannot write " + flags.json);
    std::fprintf(stderr, "wrote %s\n", flags.json.c_str());
  }
  return kExitOk;
}

}  // namespace

CommandRunner RegisterEval(CLI::App& app) {
  auto flags = std::make_shared<EvalFlags>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Measure relevance on a BEIR dataset (nDCG@10, Recall@100, MRR@10, latency)");
  cmd->add_option("--dataset", flags->dataset,
                  "BEIR dataset folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv)")
      ->required();
  cmd->add_option("--split", flags->split, "Judgments to use: qrels/<split>.tsv")
      ->capture_default_str();
  cmd->add_option("--data", flags->data,
                  "Data directory to load the corpus into and keep (default: a temporary one)");
  cmd->add_option("--collection", flags->collection, "Collection name (default: beir-<dataset>)");
  cmd->add_option("--modes", flags->modes, "Modes to evaluate")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--k", flags->k, "Documents retrieved per query")
      ->check(CLI::Range(1u, kMaxK))
      ->capture_default_str();
  cmd->add_option("--max-queries", flags->max_queries, "Evaluate only the first N queries (0: all)")
      ->capture_default_str();
  cmd->add_option("--warmup", flags->warmup, "Untimed queries before each mode")
      ->capture_default_str();
  cmd->add_option("--json", flags->json, "Also write the report as JSON to this file");
  cmd->add_flag("--per-query", flags->per_query, "Include every query's figures in the JSON");
  cmd->add_option("--fusion", flags->fusion,
                  "Hybrid fusion: rrf or blend (default: the collection's)")
      ->check(CLI::IsMember({"rrf", "blend"}));
  cmd->add_option("--rrf-k", flags->rrf_k, "RRF constant")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  cmd->add_option("--alpha", flags->alpha,
                  "Blend: weight of the vector retriever (default: the collection's)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--dimensions", flags->config.embedder.dimensions,
                  "Embedder dimensions (collection creation only)")
      ->capture_default_str();
  cmd->add_option("--chunking", flags->chunking,
                  "Chunking strategy: structure or semantic (collection creation only)")
      ->check(CLI::IsMember({"structure", "semantic"}))
      ->capture_default_str();
  cmd->add_option("--breakpoint-percentile", flags->config.chunking.breakpoint_percentile,
                  "Semantic chunking's percentile (collection creation only)")
      ->capture_default_str();
  cmd->add_option("--k1", flags->config.keyword.k1, "BM25 k1 (collection creation only)")
      ->capture_default_str();
  cmd->add_option("--b", flags->config.keyword.b, "BM25 b (collection creation only)")
      ->capture_default_str();
  cmd->add_option("--title-weight", flags->config.keyword.title_weight,
                  "BM25F weight of the title field (collection creation only)")
      ->capture_default_str();
  return [flags] { return RunEval(*flags); };
}

}  // namespace quarry::cli
