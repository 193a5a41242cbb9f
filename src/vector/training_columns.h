// Training input of a quantizer, checked and handed over one block of
// dimensions at a time, laid out one dimension after another, so that
// per-dimension statistics (quantiles, means) run over contiguous values.
//
// Why blocks: an index trains on up to 20,000 rows (kTrainSampleRows), and
// a copy of all of them is 78 MiB at 1,024 dimensions, held by every seal
// and merge that trains at once (twice when the rows were first gathered
// into a sample). A block of kTrainingBlockDims columns is 5 MiB, and the
// rows are read where they are (a mapped file, while a segment is built).
//
// Thread-safety: the functions are pure; they read the rows they are given.
#ifndef QUARRY_VECTOR_TRAINING_COLUMNS_H_
#define QUARRY_VECTOR_TRAINING_COLUMNS_H_

#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "quarry/status.h"

namespace quarry::vector {

// Dimensions gathered at once.
inline constexpr size_t kTrainingBlockDims = 64;

// The rows a quantizer trains on: `count` rows of `dims` floats, row i at
// row(i) (REQUIRES: i < count).
struct TrainingRows {
  size_t count = 0;
  size_t dims = 0;
  std::function<const float*(size_t)> row;
};

// Columns [first_dim, first_dim + dims) of every training row.
struct TrainingColumns {
  size_t rows = 0;
  size_t first_dim = 0;
  size_t dims = 0;
  std::vector<float> values;  // `dims` columns of `rows` values
  // Column of dimension first_dim + i. REQUIRES: i < dims.
  std::span<float> Column(size_t i) { return {values.data() + i * rows, rows}; }
};

// Calls visit(columns) for each block of up to kTrainingBlockDims
// consecutive dimensions of `rows`, in order. InvalidArgument starting with
// `who` when there are no dimensions or no rows, or a value is NaN or
// infinite (naming the row); the error stops the walk.
Status ForEachColumnBlock(const TrainingRows& rows, std::string_view who,
                          const std::function<void(TrainingColumns&)>& visit);

// The training rows of `vectors` (rows of `dims` floats), checked: dims > 0,
// at least one row, a whole number of rows, every value finite (errors are
// InvalidArgument and start with `who`). Keeps every row, or a deterministic
// pseudo-random sample of `max_rows` of them (random rather than strided, so
// that a stride sharing a factor with some periodicity of the data cannot
// bias it). The result views `vectors`, which must outlive it.
Result<TrainingRows> SampleTrainingRows(std::span<const float> vectors, size_t dims,
                                        size_t max_rows, std::string_view who);

// The value of rank `rank` (0-based, ascending) in `values`, which it
// reorders. REQUIRES: rank < values.size().
float NthValue(std::span<float> values, size_t rank);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_TRAINING_COLUMNS_H_
