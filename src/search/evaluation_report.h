// The two forms of an EvaluationReport (search/evaluation.h): a Markdown
// table for people and docs/benchmarks.md, and JSON for tools (`quarry eval
// --json FILE`).
//
// Markdown, one row per mode:
//   **scifact** (test): 5,183 documents, 300 queries, k = 100
//
//   | mode | nDCG@10 | Recall@100 | MRR@10 | p50 ms | p95 ms | p99 ms | empty |
//   |---|---:|---:|---:|---:|---:|---:|---:|
//   | keyword | 0.6651 | 0.9076 | 0.6322 | 0.071 | 0.140 | 0.212 | 0 |
//
// JSON:
//   {"dataset", "split", "documents", "queries", "k",
//    "modes": [{"mode", "ndcg_at_10", "recall_at_100", "mrr_at_10",
//               "empty_results",
//               "latency_ms": {"count", "mean", "p50", "p95", "p99", "max"},
//               "per_query": [{"id", "ndcg_at_10", "recall_at_100",
//                              "mrr_at_10", "latency_ms", "hits"}]}]}
// "per_query" is present only when asked for.
//
// Thread-safety: pure functions.
#ifndef QUARRY_SEARCH_EVALUATION_REPORT_H_
#define QUARRY_SEARCH_EVALUATION_REPORT_H_

#include <string>

#include "search/evaluation.h"

namespace quarry::search {

std::string RenderEvaluationMarkdown(const EvaluationReport& report);

std::string RenderEvaluationJson(const EvaluationReport& report, bool per_query = false);

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_EVALUATION_REPORT_H_
