// QueryPlan: a query prepared against one segment (terms looked up, weights
// and block bounds computed), and the two top-k algorithms that run it.
// Private to lexical/; the public entry point is bm25_searcher.h.
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

struct PlannedTerm {
  double weight = 0;                // query count * idf
  double max_bound = 0;             // bound over all its blocks
  std::vector<double> block_bound;  // per block of the term
  PostingCursor cursor;
};

struct QueryPlan {
  const Bm25Index* index = nullptr;
  const Bm25Scorer* scorer = nullptr;
  DeletedDocs deleted;
  uint32_t k = 10;
  std::vector<PlannedTerm*> terms;  // terms found in the segment
};

// Scratch the algorithms reuse between queries.
struct SearchScratch {
  TopK top;
  std::vector<int64_t> accumulators;  // per doc (exhaustive) or per window slot (max-score)
  std::vector<uint32_t> touched;      // exhaustive: docs with an accumulator
  std::vector<uint64_t> window_bits;  // max-score: window slots with an accumulator
  std::vector<uint32_t> order;        // max-score: term indices by bound
  std::vector<double> prefix_bound;   // max-score: bounds of order[0..i], summed
  std::vector<double> window_bound;   // max-score: per term, its bound in the window
};

// Term-at-a-time over every posting. REQUIRES: plan.terms non-empty, cursors reset.
void SearchExhaustive(const QueryPlan& plan, SearchScratch* scratch, std::vector<ScoredDoc>* hits);

// Windowed block-max MaxScore. REQUIRES: plan.terms non-empty, cursors reset.
void SearchMaxScore(const QueryPlan& plan, SearchScratch* scratch, std::vector<ScoredDoc>* hits);

// The length normalization of `doc` (Bm25Scorer::LengthNorm of its lengths).
inline double DocLengthNorm(const QueryPlan& plan, uint32_t doc) {
  std::array<uint32_t, kNumFields> lengths;
  for (size_t f = 0; f < kNumFields; ++f) lengths[f] = plan.index->FieldLength(doc, f);
  return plan.scorer->LengthNorm(lengths);
}

// The fixed-point contribution of `term` to the document its cursor is on.
inline int64_t CurrentContribution(const QueryPlan& plan, const PlannedTerm& term) {
  return Quantize(Bm25Scorer::Contribution(term.weight, plan.scorer->WeightedTf(term.cursor.tf()),
                                           DocLengthNorm(plan, term.cursor.doc())));
}

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_QUERY_PLAN_H_
