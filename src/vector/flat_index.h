// FlatIndex: exact nearest neighbours by scanning every vector.
//
// Exact, and the fastest choice below a few thousand vectors; also the
// reference that approximate indexes are measured against. Vectors are kept
// contiguous, row after row, and compared by dot product (callers normalize
// for cosine).
//
// Thread-safety: see VectorIndex.
#ifndef QUARRY_VECTOR_FLAT_INDEX_H_
#define QUARRY_VECTOR_FLAT_INDEX_H_

#include <cstdint>
#include <vector>

#include "vector/kernels/kernels.h"
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

  // Reserves room for `rows` vectors, to avoid regrowth during bulk loads.
  void Reserve(size_t rows);

  // Every row added, removed ones included, in row order (rows * dimensions
  // values). Valid until the next Add.
  std::span<const float> all_vectors() const { return data_; }

 private:
  uint32_t dimensions_;
  const Kernels& kernels_;      // chosen once, from the CPU's features
  std::vector<float> data_;     // rows_ * dimensions_ values
  std::vector<uint8_t> alive_;  // 1 per row; 0 once removed
  size_t live_ = 0;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_FLAT_INDEX_H_
