// The core of `quarry eval`: run every test query of a BEIR dataset through a
// search callback in each mode and measure relevance (nDCG@10, Recall@100,
// MRR@10 as search/relevance_metrics.h defines them) and latency.
//
// Engine-independent: the caller passes the dataset (search/beir_dataset.h),
// already loaded into a collection by the caller, and a callback that runs
// one search. The callback returns document ids, best first, and the time
// the search took as the engine measured it (so the report shows the
// engine's latency, not the harness's). A ranking may repeat a document (one
// hit per chunk); only its first, best, occurrence counts, as when results
// are grouped by document.
//
// Modes are run one after another, each over all queries in file order,
// after `warmup` untimed queries, so that one mode's caches do not flatter
// another's timings.
//
// Thread-safety: RunEvaluation calls the callback from the calling thread
// only, one query at a time.
#ifndef QUARRY_SEARCH_EVALUATION_H_
#define QUARRY_SEARCH_EVALUATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"
#include "search/beir_dataset.h"
#include "search/relevance_metrics.h"

namespace quarry::search {

struct EvalSearchResult {
  std::vector<std::string> doc_ids;  // best first
  double latency_ms = 0;             // as the engine measured the search
};

// search(query text, mode, k): the ranking of one query.
using EvalSearchFn = std::function<Result<EvalSearchResult>(std::string_view query,
                                                            std::string_view mode, uint32_t k)>;

struct EvaluationOptions {
  static constexpr uint32_t kMaxK = 10'000;

  std::vector<std::string> modes = {"keyword", "vector", "hybrid"};
  uint32_t k = 100;        // hits asked per query; Recall@100 needs 100
  size_t max_queries = 0;  // evaluate the first this many queries; 0 = all
  size_t warmup = 0;       // untimed queries run before each mode's timed pass
  std::string dataset;     // labels copied into the report ("scifact")
  std::string split;       // ("test")
  // Called after each timed query, if set (progress display).
  std::function<void(std::string_view mode, size_t done, size_t total)> progress;
};

// Latency percentiles by the nearest-rank method (the value at rank
// ceil(p · n) of the sorted sample), in milliseconds.
struct LatencySummary {
  size_t count = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};
LatencySummary SummarizeLatencies(std::vector<double> latencies_ms);

struct QueryEvaluation {
  std::string query_id;
  double ndcg_at_10 = 0;
  double recall_at_100 = 0;
  double reciprocal_rank_at_10 = 0;
  double latency_ms = 0;
  size_t hits = 0;  // distinct documents returned
};

struct ModeEvaluation {
  std::string mode;
  RelevanceSummary relevance;  // means over the queries
  LatencySummary latency;
  size_t empty_results = 0;  // queries answered with no document
  std::vector<QueryEvaluation> queries;
};

struct EvaluationReport {
  std::string dataset;
  std::string split;
  size_t documents = 0;  // in the corpus
  size_t queries = 0;    // evaluated per mode
  uint32_t k = 0;
  std::vector<ModeEvaluation> modes;
};

// Runs the evaluation. InvalidArgument for bad options (no mode, a repeated
// mode, k outside [1, kMaxK]) or a latency that is not a finite, non-negative
// number; the first error of the callback, naming the query and the mode.
Result<EvaluationReport> RunEvaluation(const BeirDataset& dataset, const EvalSearchFn& search,
                                       const EvaluationOptions& options);

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_EVALUATION_H_
