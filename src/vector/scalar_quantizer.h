// ScalarQuantizer: int8 codes with one scale and offset per dimension.
//
// Rows: each dimension i is clipped to the range [lo_i, hi_i] that holds the
// central `quantile` of that dimension's training values and mapped linearly
// onto [-127, 127]:
//     x̂[i] = scale[i] · code[i] + offset[i]   (offset: the range's midpoint)
// One range per dimension (FAISS's SQ8) rather than one for all: on data
// whose dimensions have different spreads or are not centred at zero (SIFT,
// image pixels) a global range wastes most of the 255 levels of the narrow
// dimensions (docs/design/kernels-and-quantization.md).
//
// Scores: the per-dimension affine map is folded into the query, so that the
// hot loop stays a plain int8 · int8 dot product (VNNI / maddubs):
//     q·x̂ = Σ (q[i] - offset[i])·scale[i]·code[i]
//           + Σ q[i]·offset[i]  +  Σ offset[i]·scale[i]·code[i]
//             (per query)          (per row)
// The centred query weights (q[i] - offset[i])·scale[i] are quantized to int8
// with the query's own max-abs scale. Each row stores one float, its row
// term, so that every score is
//     estimate = query.scale · dot_i8(query code, row code) + query.bias + row term.
// For L2 the row term also carries a correction that makes the estimate's
// error vanish as q approaches x instead of growing with ‖q‖ (large on
// uncentred data): the estimate is -‖q - x‖² + 2(q - x)·(x - x̂), not
// 2q·x̂ - ‖q‖² - ‖x‖² (error 2q·(x - x̂)), so clipped values of near
// neighbours cost almost nothing. The same correction for dot products
// (+ x·(x - x̂)) helped tight neighbourhoods but hurt real all-MiniLM-L6-v2
// embeddings (recall@10 0.963 against 0.982), so dot and cosine go without.
//
// Thread-safety: immutable after construction; any number of threads may
// encode and estimate at once.
#ifndef QUARRY_VECTOR_SCALAR_QUANTIZER_H_
#define QUARRY_VECTOR_SCALAR_QUANTIZER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "quarry/status.h"
#include "vector/training_columns.h"

namespace quarry::vector {

class ScalarQuantizer {
 public:
  // The similarity an estimate stands for.
  enum class Target {
    kDot,  // q·x (also cosine: the index normalizes rows and queries)
    kL2,   // -‖q - x‖²
  };

  // Trains on `vectors` (rows of `dims` floats; a sample of rows is enough,
  // more than kMaxTrainingRows are subsampled deterministically). Rejects
  // dims = 0, empty or ragged input, non-finite values, and quantile outside
  // (0.5, 1].
  static Result<ScalarQuantizer> Train(std::span<const float> vectors, size_t dims, float quantile);
  // Trains on every row of `rows`, read a block of dimensions at a time
  // (training_columns.h), without copying them first. Rejects what Train
  // rejects, checking the values of those rows only.
  static Result<ScalarQuantizer> TrainOnRows(const TrainingRows& rows, float quantile);
  // From stored parameters (file load): one scale and one offset per
  // dimension. Rejects empty or mismatched arrays, non-finite values and
  // scales that are not positive normal floats, naming the dimension.
  static Result<ScalarQuantizer> FromParams(std::vector<float> scales, std::vector<float> offsets);

  static constexpr size_t kMaxTrainingRows = size_t{1} << 16;

  size_t dims() const { return scales_.size(); }
  std::span<const float> scales() const { return scales_; }
  std::span<const float> offsets() const { return offsets_; }

  // Writes dims() codes in [-127, 127] and returns the row term for
  // `target`. REQUIRES: v.size() == dims(), code.size() >= dims(), v finite.
  float Encode(std::span<const float> v, std::span<int8_t> code, Target target) const;
  // x̂: scale[i] · code[i] + offset[i]. REQUIRES: sizes >= dims().
  void Decode(std::span<const int8_t> code, std::span<float> out) const;

  // What a query turns a code dot product and a row term into.
  struct QueryCode {
    float scale = 0;
    float bias = 0;
    float Estimate(int32_t code_dot, float row_term) const {
      return scale * static_cast<float>(code_dot) + bias + row_term;
    }
  };
  // Writes the query's int8 weights (in [-127, 127]) and returns its terms.
  // REQUIRES: q.size() == dims(), code.size() >= dims(), q finite.
  QueryCode EncodeQuery(std::span<const float> q, std::span<int8_t> code, Target target) const;

 private:
  ScalarQuantizer(std::vector<float> scales, std::vector<float> offsets);
  std::vector<float> scales_;
  std::vector<float> offsets_;
  std::vector<float> inverse_scales_;  // 1 / scale, so encoding multiplies
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_SCALAR_QUANTIZER_H_
