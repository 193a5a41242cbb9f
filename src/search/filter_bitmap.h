// OrdinalBitmap: a set of document ordinals 0..size-1 as a dense bitmap, what
// a filter evaluates to (payload_index.h).
//
// Dense 64-bit words, bit (i % 64) of word i / 64, because that is the form
// both retrievers consume: lexical::DeletedDocs views such words (after
// Invert(), as an exclusion set) and vector::RowFilter has the same layout.
// docs/design/filters.md explains why not CRoaring. Bits past size() are
// always zero.
//
// Thread-safety: a value; concurrent reads are safe, writes need exclusion.
#ifndef QUARRY_SEARCH_FILTER_BITMAP_H_
#define QUARRY_SEARCH_FILTER_BITMAP_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace quarry::search {

class OrdinalBitmap {
 public:
  OrdinalBitmap() = default;
  // A bitmap over `size` ordinals, all set or none.
  explicit OrdinalBitmap(size_t size, bool all = false);

  size_t size() const { return size_; }
  // REQUIRES: i < size().
  void Set(size_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  bool Contains(size_t i) const { return i < size_ && ((words_[i >> 6] >> (i & 63)) & 1) != 0; }
  // Number of ordinals set.
  size_t Count() const;
  bool None() const;

  // In-place set algebra. REQUIRES: other.size() == size().
  void And(const OrdinalBitmap& other);
  void Or(const OrdinalBitmap& other);
  void AndNot(const OrdinalBitmap& other);
  void Invert();

  // Calls f(ordinal) for each ordinal set, in increasing order.
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t w = 0; w < words_.size(); ++w) {
      for (uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) {
        f(w * 64 + static_cast<size_t>(std::countr_zero(bits)));
      }
    }
  }

  std::span<const uint64_t> words() const { return words_; }

  friend bool operator==(const OrdinalBitmap&, const OrdinalBitmap&) = default;

 private:
  void ClearTail();

  size_t size_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_FILTER_BITMAP_H_
