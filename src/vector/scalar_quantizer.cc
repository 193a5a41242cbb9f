#include "vector/scalar_quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "base/check.h"
#include "vector/training_columns.h"

namespace quarry::vector {
namespace {

constexpr float kMaxCode = 127;

// x clipped to [-127, 127] and rounded to the nearest integer (ties to even).
// Adding and subtracting 1.5·2^23 rounds any |x| < 2^22 to an integer in the
// current (nearest) rounding mode without a libm call, so the loops
// vectorize. NaN (callers reject it before encoding) becomes 0.
inline int RoundToCode(float x) {
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23
  if (!(x == x)) return 0;
  x = x < -kMaxCode ? -kMaxCode : (x > kMaxCode ? kMaxCode : x);
  return static_cast<int>((x + kRound) - kRound);
}

// [lo, hi] holding the central `quantile` of `column` (reordered): (1 - q)/2
// of the values fall below lo and as many above hi, and are clipped.
std::pair<double, double> ClipRange(std::span<float> column, float quantile) {
  if (quantile == 1.0f) {
    const auto [min, max] = std::minmax_element(column.begin(), column.end());
    return {*min, *max};
  }
  const double last = static_cast<double>(column.size() - 1);
  const auto lo_rank = static_cast<size_t>(std::floor((1 - double{quantile}) / 2 * last));
  const auto hi_rank = std::min(static_cast<size_t>(std::ceil((1 + double{quantile}) / 2 * last)),
                                column.size() - 1);
  const double lo = NthValue(column, lo_rank);
  // Everything after rank lo_rank is >= lo, so hi is found among those.
  const double hi =
      hi_rank > lo_rank ? NthValue(column.subspan(lo_rank + 1), hi_rank - lo_rank - 1) : lo;
  return {lo, hi};
}

Status CheckQuantile(float quantile) {
  if (quantile > 0.5f && quantile <= 1.0f) return Status::Ok();
  return Status::InvalidArgument("int8 quantizer: quantile must be in (0.5, 1], got " +
                                 std::to_string(quantile));
}

}  // namespace

ScalarQuantizer::ScalarQuantizer(std::vector<float> scales, std::vector<float> offsets)
    : scales_(std::move(scales)), offsets_(std::move(offsets)) {
  inverse_scales_.resize(scales_.size());
  for (size_t i = 0; i < scales_.size(); ++i) inverse_scales_[i] = 1.0f / scales_[i];
}

Result<ScalarQuantizer> ScalarQuantizer::Train(std::span<const float> vectors, size_t dims,
                                               float quantile) {
  QUARRY_RETURN_IF_ERROR(CheckQuantile(quantile));  // before reading every value
  QUARRY_ASSIGN_OR_RETURN(TrainingRows rows,
                          SampleTrainingRows(vectors, dims, kMaxTrainingRows, "int8 quantizer"));
  return TrainOnRows(rows, quantile);
}

Result<ScalarQuantizer> ScalarQuantizer::TrainOnRows(const TrainingRows& rows, float quantile) {
  QUARRY_RETURN_IF_ERROR(CheckQuantile(quantile));
  std::vector<float> scales(rows.dims);
  std::vector<float> offsets(rows.dims);
  QUARRY_RETURN_IF_ERROR(ForEachColumnBlock(rows, "int8 quantizer", [&](TrainingColumns& columns) {
    for (size_t i = 0; i < columns.dims; ++i) {
      const size_t d = columns.first_dim + i;
      const auto [lo, hi] = ClipRange(columns.Column(i), quantile);
      // In double: hi - lo of two large finite floats can overflow a float.
      offsets[d] = static_cast<float>((hi + lo) / 2);
      float scale = static_cast<float>((hi - lo) / (2 * double{kMaxCode}));
      // A constant (or nearly constant) dimension: every value encodes to
      // 0 and decodes to the offset exactly. The scale stays positive and
      // normal so that FromParams accepts it back and 1 / scale is finite.
      const float tiny = std::max(std::fabs(offsets[d]) * std::numeric_limits<float>::epsilon(),
                                  std::numeric_limits<float>::min());
      if (!(scale >= tiny)) scale = tiny;
      scales[d] = scale;
    }
  }));
  return ScalarQuantizer(std::move(scales), std::move(offsets));
}

Result<ScalarQuantizer> ScalarQuantizer::FromParams(std::vector<float> scales,
                                                    std::vector<float> offsets) {
  if (scales.empty() || scales.size() != offsets.size()) {
    return Status::InvalidArgument("int8 quantizer: " + std::to_string(scales.size()) +
                                   " scales and " + std::to_string(offsets.size()) +
                                   " offsets, expected the same positive number");
  }
  for (size_t d = 0; d < scales.size(); ++d) {
    // Normal and positive: 1 / scale must be finite.
    if (!std::isfinite(scales[d]) || !(scales[d] >= std::numeric_limits<float>::min())) {
      return Status::InvalidArgument("int8 quantizer: scale of dimension " + std::to_string(d) +
                                     " is " + std::to_string(scales[d]) +
                                     ", not a positive normal number");
    }
    if (!std::isfinite(offsets[d])) {
      return Status::InvalidArgument("int8 quantizer: offset of dimension " + std::to_string(d) +
                                     " is not finite");
    }
  }
  return ScalarQuantizer(std::move(scales), std::move(offsets));
}

float ScalarQuantizer::Encode(std::span<const float> v, std::span<int8_t> code,
                              Target target) const {
  QUARRY_CHECK(v.size() == dims() && code.size() >= dims(),
               "callers size vectors and code buffers from the index's dimension count");
  const float* scale_inv = inverse_scales_.data();
  const float* offset = offsets_.data();
  for (size_t i = 0; i < v.size(); ++i) {
    code[i] = static_cast<int8_t>(RoundToCode((v[i] - offset[i]) * scale_inv[i]));
  }
  // In double: for L2 the terms are large (‖x‖² of SIFT rows is ~3e5) and
  // nearly cancel.
  double offset_term = 0;  // Σ offset·scale·code: the row's share of q·x̂
  double x_dot_xhat = 0;
  double x_norm = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const double step = double{scales_[i]} * code[i];
    offset_term += double{offsets_[i]} * step;
    x_dot_xhat += double{v[i]} * (step + offsets_[i]);
    x_norm += double{v[i]} * v[i];
  }
  // kL2: -‖q - x‖² is estimated as 2 q·x̂ - ‖q‖² - (2 x·x̂ - ‖x‖²), whose
  // error 2 (q - x)·(x - x̂) vanishes as q nears x.
  switch (target) {
    case Target::kDot:
      return static_cast<float>(offset_term);
    case Target::kL2:  // 2·(Σ offset·scale·code) - (2 x·x̂ - ‖x‖²)
      return static_cast<float>(2 * offset_term - 2 * x_dot_xhat + x_norm);
  }
  return 0;
}

void ScalarQuantizer::Decode(std::span<const int8_t> code, std::span<float> out) const {
  QUARRY_CHECK(code.size() >= dims() && out.size() >= dims(),
               "callers size buffers from the quantizer's dimension count");
  for (size_t i = 0; i < dims(); ++i) out[i] = scales_[i] * code[i] + offsets_[i];
}

ScalarQuantizer::QueryCode ScalarQuantizer::EncodeQuery(std::span<const float> q,
                                                        std::span<int8_t> code,
                                                        Target target) const {
  QUARRY_CHECK(q.size() == dims() && code.size() >= dims(),
               "callers size queries and code buffers from the index's dimension count");
  // In double: (q - offset)·scale can overflow a float, and the sums add
  // dims products.
  double max_weight = 0;
  double offset_term = 0;  // Σ q·offset: the query's share of q·x̂
  double q_norm = 0;
  for (size_t i = 0; i < q.size(); ++i) {
    const double w = (double{q[i]} - offsets_[i]) * scales_[i];
    max_weight = std::max(max_weight, std::fabs(w));
    offset_term += double{q[i]} * offsets_[i];
    q_norm += double{q[i]} * q[i];
  }
  // Max-abs scaling: the largest weight maps to ±127, nothing is clipped.
  // All weights 0: the codes are 0 and the scale does not matter.
  const double to_code = max_weight > 0 ? kMaxCode / max_weight : 0;
  for (size_t i = 0; i < q.size(); ++i) {
    const double w = (double{q[i]} - offsets_[i]) * scales_[i];
    code[i] = static_cast<int8_t>(RoundToCode(static_cast<float>(w * to_code)));
  }
  const double scale = max_weight / kMaxCode;
  QueryCode out;
  if (target == Target::kL2) {  // -‖q - x‖² ≈ 2 q·x̂ - ‖q‖² + (row's share)
    out.scale = static_cast<float>(2 * scale);
    out.bias = static_cast<float>(2 * offset_term - q_norm);
  } else {
    out.scale = static_cast<float>(scale);
    out.bias = static_cast<float>(offset_term);
  }
  return out;
}

}  // namespace quarry::vector
