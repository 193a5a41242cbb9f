#include "vector/training_columns.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
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

Result<TrainingRows> SampleTrainingRows(std::span<const float> vectors, size_t dims,
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
  const float* data = vectors.data();
  if (total <= std::max<size_t>(max_rows, 1)) {
    return TrainingRows{total, dims, [data, dims](size_t i) { return data + i * dims; }};
  }
  auto rows = std::make_shared<std::vector<size_t>>(std::max<size_t>(max_rows, 1));
  uint64_t state = 0x5eed5eed5eed5eedull;
  // The modulo bias is below total / 2^64: nothing next to sampling noise.
  for (size_t& r : *rows) r = SplitMix64(state) % total;
  return TrainingRows{rows->size(), dims,
                      [data, dims, rows](size_t i) { return data + (*rows)[i] * dims; }};
}

Status ForEachColumnBlock(const TrainingRows& rows, std::string_view who,
                          const std::function<void(TrainingColumns&)>& visit) {
  if (rows.dims == 0) return Status::InvalidArgument(std::string(who) + ": dims must be positive");
  if (rows.count == 0) return Status::InvalidArgument(std::string(who) + ": no training vectors");
  TrainingColumns c;
  c.rows = rows.count;
  for (c.first_dim = 0; c.first_dim < rows.dims; c.first_dim += c.dims) {
    c.dims = std::min(kTrainingBlockDims, rows.dims - c.first_dim);
    c.values.resize(c.rows * c.dims);
    for (size_t i = 0; i < c.rows; ++i) {
      const float* row = rows.row(i) + c.first_dim;
      for (size_t d = 0; d < c.dims; ++d) {
        if (!std::isfinite(row[d])) {
          return Status::InvalidArgument(std::string(who) + ": training vector " +
                                         std::to_string(i) + " contains NaN or infinity");
        }
        c.values[d * c.rows + i] = row[d];
      }
    }
    visit(c);
  }
  return Status::Ok();
}

float NthValue(std::span<float> values, size_t rank) {
  const auto it = values.begin() + static_cast<std::ptrdiff_t>(rank);
  std::nth_element(values.begin(), it, values.end());
  return *it;
}

}  // namespace quarry::vector
