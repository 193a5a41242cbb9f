#include "vector/binary_quantizer.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "base/check.h"
#include "vector/training_columns.h"

namespace quarry::vector {

Result<BinaryQuantizer> BinaryQuantizer::Train(std::span<const float> vectors, size_t dims) {
  QUARRY_ASSIGN_OR_RETURN(TrainingRows rows,
                          SampleTrainingRows(vectors, dims, kMaxTrainingRows, "binary quantizer"));
  return TrainOnRows(rows);
}

Result<BinaryQuantizer> BinaryQuantizer::TrainOnRows(const TrainingRows& rows) {
  std::vector<float> centre(rows.dims);
  QUARRY_RETURN_IF_ERROR(
      ForEachColumnBlock(rows, "binary quantizer", [&](TrainingColumns& columns) {
        for (size_t i = 0; i < columns.dims; ++i) {
          double sum = 0;
          for (float v : columns.Column(i)) sum += v;
          centre[columns.first_dim + i] =
              static_cast<float>(sum / static_cast<double>(columns.rows));
        }
      }));
  return BinaryQuantizer(std::move(centre));
}

Result<BinaryQuantizer> BinaryQuantizer::FromCentre(std::vector<float> centre) {
  if (centre.empty()) return Status::InvalidArgument("binary quantizer: empty centre");
  for (size_t d = 0; d < centre.size(); ++d) {
    if (!std::isfinite(centre[d])) {
      return Status::InvalidArgument("binary quantizer: centre of dimension " + std::to_string(d) +
                                     " is not finite");
    }
  }
  return BinaryQuantizer(std::move(centre));
}

void BinaryQuantizer::Encode(std::span<const float> v, std::span<uint64_t> bits) const {
  const size_t words = WordsFor(v.size());
  QUARRY_CHECK(v.size() == dims() && bits.size() >= words,
               "callers size vectors and bit buffers from the index's dimension count");
  const float* c = centre_.data();
  for (size_t w = 0; w < words; ++w) {
    const size_t first = w * 64;
    const size_t count = std::min<size_t>(64, v.size() - first);
    uint64_t word = 0;  // bits past the last dimension stay zero
    for (size_t j = 0; j < count; ++j) {
      word |= static_cast<uint64_t>(v[first + j] > c[first + j]) << j;
    }
    bits[w] = word;
  }
}

}  // namespace quarry::vector
