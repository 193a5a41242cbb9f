// QueryPlan: a query prepared against one segment (terms looked up, weights
// and bounds computed), and the two top-k algorithms that run it. Private to
// lexical/; the public entry point is bm25_searcher.h.
//
// Thread-safety: NOT thread-safe; per query.
#ifndef QUARRY_LEXICAL_QUERY_PLAN_H_
#define QUARRY_LEXICAL_QUERY_PLAN_H_

#include <cstdint>
#include <vector>

#include "lexical/bm25_index.h"
#include "lexical/bm25_scorer.h"
#include "lexical/deleted_docs.h"
#include "lexical/posting_cursor.h"
#include "lexical/top_k.h"

namespace quarry::lexical {

// Bounds are inflated by this factor before any pruning comparison, so that
// rounding (sums taken in another order than the canonical one) can never
// make a bound fall below a score it bounds. Relative rounding error of a sum
// of 1,024 doubles is below 1e-13.
inline constexpr double kBoundSlack = 1.0 + 1e-9;

struct PlannedTerm {
  double weight = 0;               // query count * idf
  double max_bound = 0;            // bound over all its blocks (before slack)
  std::vector<double> block_bound; // per block of the term
  PostingCursor cursor;
};

struct QueryPlan {
  const Bm25Index* index = nullptr;
  const Bm25Scorer* scorer = nullptr;
  DeletedDocs deleted;
  uint32_t k = 10;
  // Terms found in the segment, in canonical order: a document's score is
  // the sum of its contributions in this order, whatever the algorithm.
  std::vector<PlannedTerm*> terms;
};

// Scratch the algorithms reuse between queries.
struct SearchScratch {
  TopK top;
  std::vector<double> accumulators;  // exhaustive: per doc
  std::vector<uint32_t> touched;     // exhaustive: docs with an accumulator
  std::vector<uint32_t> order;       // max-score: term indices by bound
  std::vector<double> prefix_bound;  // max-score: bounds of order[0..i], summed
  std::vector<double> contribution;  // max-score: per term, for the current doc
  std::vector<uint8_t> present;      // max-score: per term, 1 if it matched the current doc
  std::vector<uint32_t> matched;     // max-score: the terms with present[t] set
};

// Term-at-a-time over every posting. REQUIRES: plan.terms non-empty.
void SearchExhaustive(const QueryPlan& plan, SearchScratch* scratch, std::vector<ScoredDoc>* hits);

// Block-max MaxScore. REQUIRES: plan.terms non-empty, cursors reset.
void SearchMaxScore(const QueryPlan& plan, SearchScratch* scratch, std::vector<ScoredDoc>* hits);

// The length normalization of `doc` (Bm25Scorer::LengthNorm of its lengths).
inline double DocLengthNorm(const QueryPlan& plan, uint32_t doc) {
  std::array<uint32_t, kNumFields> lengths;
  for (size_t f = 0; f < kNumFields; ++f) lengths[f] = plan.index->FieldLength(doc, f);
  return plan.scorer->LengthNorm(lengths);
}

// The contribution of `term` to the document its cursor is on, whose
// DocLengthNorm is `norm`.
inline double CurrentContribution(const QueryPlan& plan, const PlannedTerm& term, double norm) {
  return Bm25Scorer::Contribution(term.weight, plan.scorer->WeightedTf(term.cursor.tf()), norm);
}

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_QUERY_PLAN_H_
