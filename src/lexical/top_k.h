// Top-k selection with one total order: best = higher score, then lower doc
// id. That order is what makes results reproducible across algorithms: the
// pruning search and the exhaustive one return the same list, ties included.
//
// Scores are summed in fixed point (kScoreScale units, int64) inside a
// search: integer addition is associative, so a document's score is the same
// whatever order its terms were visited in, which is what lets the pruning
// search accumulate term-at-a-time in windows and still match the exhaustive
// one bit for bit. The resolution, 2^-32, is far below any difference BM25
// can meaningfully express; ScoredDoc::score is the fixed-point sum as a double.
//
// Thread-safety: TopK is NOT thread-safe (per query); the rest are values.
#ifndef QUARRY_LEXICAL_TOP_K_H_
#define QUARRY_LEXICAL_TOP_K_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace quarry::lexical {

struct ScoredDoc {
  uint32_t doc = 0;
  double score = 0;

  friend bool operator==(const ScoredDoc&, const ScoredDoc&) = default;
};

// a ranks before b.
inline bool RanksBefore(const ScoredDoc& a, const ScoredDoc& b) {
  return a.score > b.score || (a.score == b.score && a.doc < b.doc);
}

inline constexpr double kScoreScale = 4294967296.0;  // 2^32 fixed-point units per score unit

// A contribution in fixed point. REQUIRES: 0 <= c < 2^31 (Bm25Searcher
// bounds every weight far below that).
inline int64_t Quantize(double c) { return std::llround(c * kScoreScale); }

class TopK {
 public:
  struct Hit {
    uint32_t doc;
    int64_t score;  // fixed point
  };

  // REQUIRES: k >= 1.
  void Reset(size_t k) {
    k_ = k;
    heap_.clear();
  }
  bool full() const { return heap_.size() == k_; }
  // The score a new document must beat: 0 until full (scores must be
  // positive), then the k-th score (ties lose when documents arrive in
  // increasing id order, as in every search here).
  int64_t threshold() const { return full() ? heap_.front().score : 0; }

  void Push(Hit h) {
    if (heap_.size() < k_) {
      heap_.push_back(h);
      std::push_heap(heap_.begin(), heap_.end(), Before);
    } else if (Before(h, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), Before);
      heap_.back() = h;
      std::push_heap(heap_.begin(), heap_.end(), Before);
    }
  }

  // Moves the kept documents, best first, into *out (cleared first).
  void Take(std::vector<ScoredDoc>* out) {
    std::sort(heap_.begin(), heap_.end(), Before);
    out->clear();
    for (const Hit& h : heap_) out->push_back(ScoredDoc{h.doc, h.score / kScoreScale});
    heap_.clear();
  }

 private:
  static bool Before(const Hit& a, const Hit& b) {
    return a.score > b.score || (a.score == b.score && a.doc < b.doc);
  }

  size_t k_ = 1;
  std::vector<Hit> heap_;  // a heap whose front is the worst kept document
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_TOP_K_H_
