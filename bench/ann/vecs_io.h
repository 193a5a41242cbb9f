// Readers and writers for the TEXMEX vector formats (.fvecs, .ivecs, .bvecs)
// and a dense row-major matrix to hold what they contain.
//
// Every record is an int32 dimension followed by that many float32, int32 or
// uint8 values. Readers check that every record has the same dimension and
// that the file holds whole records, and refuse anything else with a message
// naming the file and the offset.
//
// Thread-safety: free functions over values; no shared state.
#ifndef QUARRY_BENCH_ANN_VECS_IO_H_
#define QUARRY_BENCH_ANN_VECS_IO_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "quarry/status.h"

namespace quarry::bench {

// rows x cols values, row after row.
template <typename T>
struct Matrix {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<T> data;

  Matrix() = default;
  Matrix(size_t r, size_t c) : rows(r), cols(c), data(r * c) {}
  T* row(size_t i) { return data.data() + i * cols; }
  const T* row(size_t i) const { return data.data() + i * cols; }
  std::span<const T> row_span(size_t i) const { return {row(i), cols}; }
};

using FloatMatrix = Matrix<float>;
using IntMatrix = Matrix<int32_t>;

// Reads at most `max_rows` records (all when 0).
Result<FloatMatrix> ReadFvecs(const std::string& path, size_t max_rows = 0);
Result<IntMatrix> ReadIvecs(const std::string& path, size_t max_rows = 0);
// uint8 values widened to float.
Result<FloatMatrix> ReadBvecsAsFloat(const std::string& path, size_t max_rows = 0);

// Writes to `path` through a temporary file renamed into place, so that a
// reader never sees a half-written file.
Status WriteFvecs(const std::string& path, const FloatMatrix& m);
Status WriteIvecs(const std::string& path, const IntMatrix& m);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_VECS_IO_H_
