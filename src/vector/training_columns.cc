#include "vector/training_columns.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace quarry::vector {
namespace {

// splitmix64: a fixed, portable sequence, so the same input always trains the
// same quantizer (std::uniform_int_distribution differs between libraries).
uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

Result<TrainingColumns> MakeTrainingColumns(std::span<const float> vectors, size_t dims,
                                            size_t max_rows, std::string_view who) {
  const std::string prefix(who);
  if (dims == 0) return Status::InvalidArgument(prefix + ": dims must be positive");
  if (vectors.empty()) return Status::InvalidArgument(prefix + ": no training vectors");
  if (vectors.size() % dims != 0) {
    return Status::InvalidArgument(prefix + ": " + std::to_string(vectors.size()) +
                                   " values are not a whole number of " + std::to_string(dims) +
                                   "-dimensional vectors");
  }
  for (size_t i = 0; i < vectors.size(); ++i) {
    if (!std::isfinite(vectors[i])) {
      return Status::InvalidArgument(prefix + ": training vector " + std::to_string(i / dims) +
                                     " contains NaN or infinity");
    }
  }
  const size_t total = vectors.size() / dims;
  std::vector<size_t> rows(std::min(total, std::max<size_t>(max_rows, 1)));
  if (rows.size() == total) {
    for (size_t r = 0; r < total; ++r) rows[r] = r;
  } else {
    uint64_t state = 0x5eed5eed5eed5eedull;
    // The modulo bias is below total / 2^64: nothing next to sampling noise.
    for (size_t& r : rows) r = SplitMix64(state) % total;
  }
  TrainingColumns c;
  c.rows = rows.size();
  c.values.resize(c.rows * dims);
  for (size_t i = 0; i < c.rows; ++i) {
    const float* row = vectors.data() + rows[i] * dims;
    for (size_t d = 0; d < dims; ++d) c.values[d * c.rows + i] = row[d];
  }
  return c;
}

float NthValue(std::span<float> values, size_t rank) {
  const auto it = values.begin() + static_cast<std::ptrdiff_t>(rank);
  std::nth_element(values.begin(), it, values.end());
  return *it;
}

}  // namespace quarry::vector
