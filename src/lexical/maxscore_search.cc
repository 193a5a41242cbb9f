// Block-max MaxScore (Turtle & Flood 1995; block-max bounds as in Ding &
// Suel 2011 and Mallia et al. 2019). docs/design/bm25.md explains it.
//
// Terms are sorted by their upper bound. The longest prefix of that order
// whose bounds sum to at most the current k-th score is "non-essential": a
// document that contains only those terms cannot enter the top k, so only
// the other, "essential" terms' postings generate candidates. For each
// candidate, the block-max bounds of every term are checked first (no
// decoding), then the essential terms' exact contributions, then the
// non-essential terms are probed in decreasing bound order, stopping as soon
// as the bound of what is left cannot lift the document into the top k.
//
// Identical results to SearchExhaustive: a document's score is always
// summed in the plan's canonical term order; pruning only ever uses
// bounds (inflated by kBoundSlack) to decide whether to compute a score,
// never to change it; and since candidates come in increasing doc id
// order, a later document never wins a tie, which is exactly TopK's order.
#include <algorithm>
#include <numeric>

#include "lexical/query_plan.h"

namespace quarry::lexical {

void SearchMaxScore(const QueryPlan& plan, SearchScratch* scratch, std::vector<ScoredDoc>* hits) {
  const size_t n = plan.terms.size();
  std::vector<uint32_t>& order = scratch->order;
  order.resize(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return plan.terms[a]->max_bound < plan.terms[b]->max_bound;
  });
  std::vector<double>& prefix = scratch->prefix_bound;
  prefix.resize(n);
  double sum = 0;
  for (size_t i = 0; i < n; ++i) prefix[i] = (sum += plan.terms[order[i]]->max_bound);
  std::vector<double>& contribution = scratch->contribution;
  std::vector<uint8_t>& present = scratch->present;
  contribution.assign(n, 0.0);
  present.assign(n, 0);
  std::vector<uint32_t>& matched = scratch->matched;
  matched.clear();

  TopK& top = scratch->top;
  top.Reset(plan.k);
  // A document enters the top k only with a score above `threshold`: 0 until
  // the heap is full (scores must be positive), then the k-th score.
  double threshold = 0;
  size_t essential = 0;  // order[0 .. essential) are the non-essential terms
  auto update_essential = [&] {
    while (essential < n && prefix[essential] * kBoundSlack <= threshold) ++essential;
  };
  update_essential();

  while (essential < n) {
    uint32_t doc = PostingCursor::kEnd;
    for (size_t i = essential; i < n; ++i) doc = std::min(doc, plan.terms[order[i]]->cursor.doc());
    if (doc == PostingCursor::kEnd) break;
    auto advance_essential = [&] {
      for (size_t i = essential; i < n; ++i) {
        PostingCursor& c = plan.terms[order[i]]->cursor;
        if (c.doc() == doc) c.Next();
      }
    };
    if (plan.deleted.IsDeleted(doc)) {
      advance_essential();
      continue;
    }

    // 1. Block-max bound over all terms, from block tables only. Useless
    //    (and skipped) until the heap is full: every bound is above 0.
    if (top.full()) {
      double block_bound = 0;
      for (size_t i = 0; i < n; ++i) {
        PlannedTerm& t = *plan.terms[order[i]];
        if (i >= essential) {
          if (t.cursor.doc() == doc) block_bound += t.block_bound[t.cursor.block()];
        } else {
          const uint32_t b = t.cursor.ShallowBlock(doc);
          if (b < t.cursor.block_count()) block_bound += t.block_bound[b];
        }
      }
      if (block_bound * kBoundSlack <= threshold) {
        advance_essential();
        continue;
      }
    }

    // 2. Essential terms, exactly.
    const double norm = DocLengthNorm(plan, doc);
    double partial = 0;
    for (size_t i = essential; i < n; ++i) {
      PlannedTerm& t = *plan.terms[order[i]];
      if (t.cursor.doc() != doc) continue;
      const double c = CurrentContribution(plan, t, norm);
      contribution[order[i]] = c;
      present[order[i]] = 1;
      matched.push_back(order[i]);
      partial += c;
      t.cursor.Next();
    }
    // 3. Non-essential terms, largest bound first, while they can still matter.
    bool pruned = false;
    for (size_t i = essential; i-- > 0;) {
      if ((partial + prefix[i]) * kBoundSlack <= threshold) {
        pruned = true;
        break;
      }
      PlannedTerm& t = *plan.terms[order[i]];
      t.cursor.NextGeq(doc);
      if (t.cursor.doc() != doc) continue;
      const double c = CurrentContribution(plan, t, norm);
      contribution[order[i]] = c;
      present[order[i]] = 1;
      matched.push_back(order[i]);
      partial += c;
    }
    // 4. The canonical score.
    if (!pruned) {
      // Canonical order is term index order; `matched` is in visiting order.
      double score = 0;
      if (matched.size() * 8 < n) {
        std::sort(matched.begin(), matched.end());
        for (uint32_t t : matched) score += contribution[t];
      } else {
        for (size_t t = 0; t < n; ++t) {
          if (present[t]) score += contribution[t];
        }
      }
      if (score > threshold) {
        top.Push(ScoredDoc{doc, score});
        if (top.full()) {
          threshold = top.threshold();
          update_essential();
        }
      }
    }
    for (uint32_t t : matched) present[t] = 0;
    matched.clear();
  }
  top.Take(hits);
}

}  // namespace quarry::lexical
