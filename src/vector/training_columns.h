// TrainingColumns: the training input of a quantizer, checked and laid out
// one dimension after another, so that per-dimension statistics (quantiles,
// means) run over contiguous values.
//
// Thread-safety: a value; the functions are pure.
#ifndef QUARRY_VECTOR_TRAINING_COLUMNS_H_
#define QUARRY_VECTOR_TRAINING_COLUMNS_H_

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "quarry/status.h"

namespace quarry::vector {

struct TrainingColumns {
  size_t rows = 0;
  std::vector<float> values;  // dims columns of `rows` values
  std::span<float> Column(size_t dim) { return {values.data() + dim * rows, rows}; }
};

// Checks `vectors` (rows of `dims` floats): dims > 0, at least one row, a
// whole number of rows, every value finite; errors are InvalidArgument and
// start with `who`. Keeps every row, or a deterministic pseudo-random sample
// of `max_rows` of them (random rather than strided, so that a stride
// sharing a factor with some periodicity of the data cannot bias it).
Result<TrainingColumns> MakeTrainingColumns(std::span<const float> vectors, size_t dims,
                                            size_t max_rows, std::string_view who);

// The value of rank `rank` (0-based, ascending) in `values`, which it
// reorders. REQUIRES: rank < values.size().
float NthValue(std::span<float> values, size_t rank);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_TRAINING_COLUMNS_H_
