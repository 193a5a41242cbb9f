// DeletedDocs: the hook through which a segment's tombstones (or any other
// exclusion, such as a metadata filter's complement) reach keyword search.
// It is a view of a bitmap, one bit per doc id of the segment, bit set =
// excluded; doc ids past the bitmap's end are live. A bitmap, not a callback,
// because the test sits in the innermost loop of every query, and segments
// already keep tombstones as bitmaps.
//
// Thread-safety: a view; the bitmap must outlive it and not change while a
// search reads it.
#ifndef QUARRY_LEXICAL_DELETED_DOCS_H_
#define QUARRY_LEXICAL_DELETED_DOCS_H_

#include <cstdint>
#include <span>

namespace quarry::lexical {

class DeletedDocs {
 public:
  DeletedDocs() = default;  // nothing deleted
  // Bit (doc % 64) of words[doc / 64] set = doc is deleted.
  explicit DeletedDocs(std::span<const uint64_t> words) : words_(words) {}

  bool IsDeleted(uint32_t doc) const {
    const size_t word = doc >> 6;
    return word < words_.size() && ((words_[word] >> (doc & 63)) & 1) != 0;
  }
  bool empty() const { return words_.empty(); }

 private:
  std::span<const uint64_t> words_;
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_DELETED_DOCS_H_
