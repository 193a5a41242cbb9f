// The vector-index interface: nearest neighbours of a query vector among
// vectors identified by dense row ids.
//
// Implementations: FlatIndex (exact scan). HNSW implements the same interface.
// The index stores vectors by row id only; what a row means (which chunk of
// which document) is the caller's business.
//
// Thread-safety: Search() is const and may run concurrently with other
// Search() calls. Add() and Remove() need exclusive access (the collection
// holds a writer lock).
#ifndef QUARRY_VECTOR_VECTOR_INDEX_H_
#define QUARRY_VECTOR_VECTOR_INDEX_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "quarry/status.h"
#include "vector/row_filter.h"

namespace quarry::vector {

using RowId = uint32_t;

struct Neighbor {
  RowId row = 0;
  float score = 0;  // similarity: higher is closer
};

// Per-call search parameters (like faiss's SearchParametersHNSW): nothing
// here changes the index, and every field has a default from its config.
struct SearchParams {
  uint32_t k = 10;
  // Candidate list size of a graph search; 0 = the index's default. Must be
  // >= k when set. Ignored by exact indexes.
  uint32_t ef = 0;
  // When set, only rows it contains may be returned. Not owned; must outlive the call.
  const RowFilter* filter = nullptr;
  // Re-rank quantized candidates with full-precision vectors; unset = the index's default.
  std::optional<bool> rescore;
  // Candidates rescored = k * oversampling; 0 = the index's default.
  float oversampling = 0;
};

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;

  virtual uint32_t dimensions() const = 0;
  // Rows currently searchable (added and not removed).
  virtual size_t live_count() const = 0;

  // Adds `vector` as row `row`. REQUIRES: row == next row id (rows are dense,
  // appended in order). Rejects wrong dimensions and non-finite values.
  virtual Status Add(RowId row, std::span<const float> vector) = 0;
  // Excludes `row` from results. Removing an unknown or removed row is NotFound.
  virtual Status Remove(RowId row) = 0;

  // Copies the stored vector of a live row into `out` (dimensions() floats).
  virtual Status GetVector(RowId row, std::span<float> out) const = 0;

  // Up to params.k neighbours, best first; ties broken by lower row id so that
  // results are deterministic.
  virtual Result<std::vector<Neighbor>> Search(std::span<const float> query,
                                               const SearchParams& params) const = 0;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_VECTOR_INDEX_H_
