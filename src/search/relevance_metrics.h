// Relevance metrics with the definitions BEIR reports, so that Quarry's
// figures compare with published ones:
//   nDCG@k    trec_eval's ndcg_cut (what BEIR gets from pytrec_eval): gain =
//             the graded judgment (grades <= 0 gain nothing), discount
//             log2(rank + 1); the ideal ranking is every judged document of
//             the query sorted by grade, so relevant documents the run never
//             retrieved still count against it.
//   Recall@k  relevant documents (grade > 0) in the top k / all relevant ones.
//   MRR@k     1 / rank of the first relevant document in the top k, else 0
//             (BEIR's own "MRR@k").
// A ranking is a list of distinct doc ids, best first. A query with no
// relevant document scores 0 on every metric. Means are over the queries
// passed in, including those a run answered with nothing (pytrec_eval skips
// queries absent from the run; Quarry never does).
//
// Thread-safety: pure functions.
#ifndef QUARRY_SEARCH_RELEVANCE_METRICS_H_
#define QUARRY_SEARCH_RELEVANCE_METRICS_H_

#include <cstddef>
#include <span>
#include <string>

#include "search/beir_dataset.h"

namespace quarry::search {

double NdcgAt(std::span<const std::string> ranking, const Judgments& judgments, size_t k);
double RecallAt(std::span<const std::string> ranking, const Judgments& judgments, size_t k);
double ReciprocalRankAt(std::span<const std::string> ranking, const Judgments& judgments, size_t k);

// Sums per-query metrics; Mean() divides by the number of queries added.
struct RelevanceSummary {
  size_t queries = 0;
  double ndcg_at_10 = 0;
  double recall_at_100 = 0;
  double mrr_at_10 = 0;

  void Add(std::span<const std::string> ranking, const Judgments& judgments);
  RelevanceSummary Mean() const;
};

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_RELEVANCE_METRICS_H_
