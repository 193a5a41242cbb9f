// TopK: keeps the k best (score, doc) pairs seen, best = higher score, then
// lower doc id. That total order is what makes results reproducible across
// algorithms: the pruning search and the exhaustive one must return the same
// list, ties included.
//
// Thread-safety: NOT thread-safe; per query.
#ifndef QUARRY_LEXICAL_TOP_K_H_
#define QUARRY_LEXICAL_TOP_K_H_

#include <algorithm>
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

class TopK {
 public:
  // REQUIRES: k >= 1.
  void Reset(size_t k) {
    k_ = k;
    heap_.clear();
  }
  bool full() const { return heap_.size() == k_; }
  // The score a new doc must beat (ties lose when docs arrive in increasing
  // id order, as in a document-at-a-time search). REQUIRES: full().
  double threshold() const { return heap_.front().score; }

  void Push(ScoredDoc d) {
    if (heap_.size() < k_) {
      heap_.push_back(d);
      std::push_heap(heap_.begin(), heap_.end(), RanksBefore);
    } else if (RanksBefore(d, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), RanksBefore);
      heap_.back() = d;
      std::push_heap(heap_.begin(), heap_.end(), RanksBefore);
    }
  }

  // Moves the kept docs, best first, into *out (cleared first).
  void Take(std::vector<ScoredDoc>* out) {
    std::sort(heap_.begin(), heap_.end(), RanksBefore);
    out->assign(heap_.begin(), heap_.end());
    heap_.clear();
  }

 private:
  size_t k_ = 1;
  std::vector<ScoredDoc> heap_;  // a heap whose front is the worst kept doc
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_TOP_K_H_
