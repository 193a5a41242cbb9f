// FlatIndex: exact nearest neighbours by scanning every vector.
//
// Exact, and the fastest choice below a few thousand vectors; also the
// reference that approximate indexes are measured against. Vectors are
// compared by dot product (callers normalize for cosine) and kept in chunks
// that never move (SegmentedRows): growing never copies the rows already
// added nor holds them twice, and memory is committed only as rows are
// written (docs/design/storage-engine.md, "The mutable segment's memory").
//
// Thread-safety: see VectorIndex.
#ifndef QUARRY_VECTOR_FLAT_INDEX_H_
#define QUARRY_VECTOR_FLAT_INDEX_H_

#include <cstdint>
#include <vector>

#include "vector/kernels/kernels.h"
#include "vector/segmented_rows.h"
#include "vector/vector_index.h"

namespace quarry::vector {

class FlatIndex final : public VectorIndex {
 public:
  // REQUIRES: dimensions > 0.
  explicit FlatIndex(uint32_t dimensions);

  uint32_t dimensions() const override { return dimensions_; }
  size_t live_count() const override { return live_; }

  Status Add(RowId row, std::span<const float> vector) override;
  Status Remove(RowId row) override;
  Status GetVector(RowId row, std::span<float> out) const override;
  Result<std::vector<Neighbor>> Search(std::span<const float> query,
                                       const SearchParams& params) const override;

  // Rows added so far, removed ones included.
  size_t row_count() const { return alive_.size(); }
  // The stored values of `row`, removed or not. They never change and stay
  // valid as long as the index. Unlike the rest of the interface, Row() of a
  // row the caller knows exists may run beside Add() and Remove() on other
  // threads (the collection's seal reads a frozen segment this way while
  // deletes flip its flags); row_count() may not.
  // REQUIRES: row < row_count().
  std::span<const float> Row(RowId row) const {
    return {reinterpret_cast<const float*>(rows_.Row(row)), dimensions_};
  }

 private:
  uint32_t dimensions_;
  const Kernels& kernels_;      // chosen once, from the CPU's features
  SegmentedRows rows_;          // dimensions_ floats per row
  std::vector<uint8_t> alive_;  // 1 per row; 0 once removed
  size_t live_ = 0;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_FLAT_INDEX_H_
