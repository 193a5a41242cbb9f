// RowFilter: the set of rows a search may return, as a dense bitmap with its
// cardinality, so an index can estimate selectivity before choosing between
// graph traversal and an exact scan over the allowed rows.
//
// Thread-safety: build once, then read from any number of threads.
#ifndef QUARRY_VECTOR_ROW_FILTER_H_
#define QUARRY_VECTOR_ROW_FILTER_H_

#include <bit>
#include <cstdint>
#include <vector>

namespace quarry::vector {

class RowFilter {
 public:
  // An empty filter over `rows` rows (nothing allowed).
  explicit RowFilter(size_t rows) : rows_(rows), words_((rows + 63) / 64, 0) {}

  void Allow(uint32_t row) {
    if (row >= rows_) return;  // rows added after the filter was built stay excluded
    uint64_t& w = words_[row >> 6];
    const uint64_t bit = uint64_t{1} << (row & 63);
    count_ += (w & bit) == 0;
    w |= bit;
  }
  bool Contains(uint32_t row) const {
    return row < rows_ && (words_[row >> 6] >> (row & 63)) & 1;
  }
  size_t count() const { return count_; }
  size_t rows() const { return rows_; }
  // Fraction of rows allowed, in [0, 1].
  double selectivity() const { return rows_ == 0 ? 0.0 : static_cast<double>(count_) / rows_; }

  // Calls f(row) for each allowed row in increasing order.
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < words_.size(); ++i) {
      for (uint64_t w = words_[i]; w != 0; w &= w - 1) {
        f(static_cast<uint32_t>(i * 64 + std::countr_zero(w)));
      }
    }
  }

 private:
  size_t rows_;
  std::vector<uint64_t> words_;
  size_t count_ = 0;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_ROW_FILTER_H_
