// Windowed block-max MaxScore: MaxScore (Turtle & Flood 1995) with block-max
// bounds (Ding & Suel 2011), processed in windows of doc ids as Lucene's
// MaxScoreBulkScorer does. docs/design/bm25.md explains it.
//
// The doc-id space is cut into windows of kWindow ids. In each window, every
// term's bound is the largest block-max bound among its blocks that overlap
// the window (block tables only, nothing decoded). Terms are sorted by that
// bound; the longest prefix whose bounds sum to at most the current k-th
// score is "non-essential": a document containing only those terms cannot
// enter the top k. The essential terms' postings in the window are scored
// term-at-a-time into an accumulator per doc id slot; then each accumulated
// document, in id order, is probed on the non-essential terms in decreasing
// bound order, and dropped as soon as what is left cannot lift it into the
// top k. Windows where no term is essential are skipped whole.
//
// Identical results to SearchExhaustive: every score is a fixed-point sum
// (top_k.h), so the order terms are added in does not matter; pruning
// compares only bounds, inflated by kBoundSlack plus one unit per term left
// (the rounding of each fixed-point contribution), so it never drops a
// document that belongs; and documents enter the top k in increasing id
// order, so a later one never wins a tie, which is TopK's order.
#include <algorithm>
#include <bit>
#include <numeric>

#include "lexical/query_plan.h"

namespace quarry::lexical {
namespace {

constexpr uint32_t kWindow = 4096;
constexpr double kBoundSlack = 1.0 + 1e-9;  // far above double rounding of these sums

// True if a document whose known part scores `partial` (fixed point) and
// whose other `terms` terms are bounded by `bound` (score units) cannot
// score above `threshold`.
bool CannotEnter(int64_t partial, double bound, size_t terms, int64_t threshold) {
  const double most = (static_cast<double>(partial) + bound * kScoreScale) * kBoundSlack +
                      static_cast<double>(terms) + 1;
  return most <= static_cast<double>(threshold);
}

// The largest bound among the term's blocks that overlap [begin, end).
double WindowBound(PlannedTerm* t, uint32_t begin, uint64_t end, const Bm25Index& index) {
  PostingCursor& c = t->cursor;
  double bound = 0;
  for (uint32_t b = c.ShallowBlock(begin); b < c.block_count(); ++b) {
    bound = std::max(bound, t->block_bound[b]);
    if (index.BlockLastDoc(c.term().first_block + b) + uint64_t{1} >= end) break;
  }
  return bound;
}

}  // namespace

void SearchMaxScore(const QueryPlan& plan, SearchScratch* scratch, std::vector<ScoredDoc>* hits) {
  const size_t n = plan.terms.size();
  TopK& top = scratch->top;
  top.Reset(plan.k);
  std::vector<int64_t>& acc = scratch->accumulators;
  acc.assign(kWindow, 0);
  std::vector<uint64_t>& bits = scratch->window_bits;
  bits.assign(kWindow / 64, 0);
  std::vector<uint32_t>& order = scratch->order;
  std::vector<double>& prefix = scratch->prefix_bound;
  std::vector<double>& bound = scratch->window_bound;
  order.resize(n);
  prefix.resize(n);
  bound.resize(n);

  // Partitions order[] by bound[]: returns the number of non-essential terms.
  auto partition = [&](int64_t threshold) {
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return bound[a] < bound[b] || (bound[a] == bound[b] && a < b);
    });
    double sum = 0;
    for (size_t i = 0; i < n; ++i) prefix[i] = (sum += bound[order[i]]);
    size_t non_essential = 0;
    while (non_essential < n &&
           CannotEnter(0, prefix[non_essential], non_essential + 1, threshold)) {
      ++non_essential;
    }
    return non_essential;
  };

  uint32_t begin = 0;
  for (;;) {
    // The next window starts at the first document that a term essential
    // under the whole-list bounds contains: documents before it cannot qualify.
    for (size_t t = 0; t < n; ++t) bound[t] = plan.terms[t]->max_bound;
    const size_t global_skip = partition(top.threshold());
    uint32_t next = PostingCursor::kEnd;
    for (size_t i = global_skip; i < n; ++i) {
      PostingCursor& c = plan.terms[order[i]]->cursor;
      c.NextGeq(begin);
      next = std::min(next, c.doc());
    }
    if (next == PostingCursor::kEnd) break;
    begin = next;
    const uint64_t end = uint64_t{begin} + kWindow;

    for (size_t t = 0; t < n; ++t) bound[t] = WindowBound(plan.terms[t], begin, end, *plan.index);
    const size_t skip = partition(top.threshold());

    // Essential terms, term at a time, into the window's accumulators.
    bool any = false;
    for (size_t i = skip; i < n; ++i) {
      PlannedTerm& t = *plan.terms[order[i]];
      PostingCursor& c = t.cursor;
      for (c.NextGeq(begin); c.doc() != PostingCursor::kEnd && c.doc() < end; c.Next()) {
        const int64_t q = CurrentContribution(plan, t);
        if (q == 0) continue;
        const uint32_t slot = c.doc() - begin;
        acc[slot] += q;
        bits[slot >> 6] |= uint64_t{1} << (slot & 63);
        any = true;
      }
    }
    // Accumulated documents, in id order, completed with non-essential terms.
    for (size_t w = 0; any && w < bits.size(); ++w) {
      for (uint64_t word = bits[w]; word != 0; word &= word - 1) {
        const uint32_t slot = static_cast<uint32_t>(w * 64 + std::countr_zero(word));
        const uint32_t doc = begin + slot;
        int64_t score = acc[slot];
        acc[slot] = 0;
        if (plan.deleted.IsDeleted(doc)) continue;
        const int64_t threshold = top.threshold();
        bool pruned = false;
        for (size_t i = skip; i-- > 0;) {
          if (CannotEnter(score, prefix[i], i + 1, threshold)) {
            pruned = true;
            break;
          }
          PlannedTerm& t = *plan.terms[order[i]];
          t.cursor.NextGeq(doc);
          if (t.cursor.doc() == doc) score += CurrentContribution(plan, t);
        }
        if (!pruned && score > threshold) top.Push(TopK::Hit{doc, score});
      }
      bits[w] = 0;
    }
    if (end > PostingCursor::kEnd - 1) break;  // the last possible doc id is behind us
    begin = static_cast<uint32_t>(end);
  }
  top.Take(hits);
}

}  // namespace quarry::lexical
