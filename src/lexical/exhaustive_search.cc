// The reference top-k: every posting of every term, term at a time.
#include "lexical/query_plan.h"

namespace quarry::lexical {

void SearchExhaustive(const QueryPlan& plan, SearchScratch* scratch, std::vector<ScoredDoc>* hits) {
  std::vector<int64_t>& acc = scratch->accumulators;
  std::vector<uint32_t>& touched = scratch->touched;
  acc.assign(plan.index->doc_count(), 0);
  touched.clear();
  for (PlannedTerm* term : plan.terms) {
    PostingCursor& cursor = term->cursor;
    for (; cursor.doc() != PostingCursor::kEnd; cursor.Next()) {
      const uint32_t doc = cursor.doc();
      if (plan.deleted.IsDeleted(doc)) continue;
      const int64_t c = CurrentContribution(plan, *term);
      if (c == 0) continue;
      if (acc[doc] == 0) touched.push_back(doc);
      acc[doc] += c;
    }
  }
  TopK& top = scratch->top;
  top.Reset(plan.k);
  for (uint32_t doc : touched) top.Push(TopK::Hit{doc, acc[doc]});
  top.Take(hits);
}

}  // namespace quarry::lexical
