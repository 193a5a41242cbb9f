#include "vector/quantization.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "base/check.h"

namespace quarry::vector {
namespace {

// Training looks at no more values than this: quantiles of a million values
// are as good as those of a billion, and nth_element stays in the milliseconds.
constexpr size_t kMaxTrainingValues = size_t{1} << 20;

constexpr float kMaxCode = 127;

// splitmix64: a fixed, portable sequence, so the same input always trains the
// same quantizer (std::uniform_int_distribution differs between libraries).
uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// All values, or a deterministic pseudo-random sample of kMaxTrainingValues
// of them. Random rather than strided: a stride sharing a factor with the
// dimension count would see only some dimensions.
std::vector<float> SampleValues(std::span<const float> values) {
  if (values.size() <= kMaxTrainingValues) return {values.begin(), values.end()};
  std::vector<float> sample(kMaxTrainingValues);
  uint64_t state = 0x5eed5eed5eed5eedull;
  for (float& s : sample) {
    // The modulo bias is below size / 2^64: nothing next to sampling noise.
    s = values[SplitMix64(state) % values.size()];
  }
  return sample;
}

// (v - beta) / alpha clipped to [-127, 127] and rounded to the nearest
// integer (ties to even). Adding and subtracting 1.5·2^23 rounds any |x| < 2^22
// to an integer in the current (nearest) rounding mode without a libm call, so
// the loop vectorizes. NaN (callers reject it before encoding) becomes 0.
inline int RoundToCode(float x) {
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23
  if (!(x == x)) return 0;
  x = x < -kMaxCode ? -kMaxCode : (x > kMaxCode ? kMaxCode : x);
  return static_cast<int>((x + kRound) - kRound);
}

}  // namespace

std::string_view QuantizationName(Quantization q) {
  switch (q) {
    case Quantization::kNone:
      return "none";
    case Quantization::kInt8:
      return "int8";
    case Quantization::kBinary:
      return "binary";
  }
  return "unknown";
}

Result<ScalarQuantizer> ScalarQuantizer::Train(std::span<const float> vectors, size_t dims,
                                               float quantile) {
  if (dims == 0) return Status::InvalidArgument("int8 quantizer: dims must be positive");
  if (vectors.empty()) return Status::InvalidArgument("int8 quantizer: no training vectors");
  if (vectors.size() % dims != 0) {
    return Status::InvalidArgument("int8 quantizer: " + std::to_string(vectors.size()) +
                                   " values are not a whole number of " + std::to_string(dims) +
                                   "-dimensional vectors");
  }
  if (!(quantile > 0.5f && quantile <= 1.0f)) {
    return Status::InvalidArgument("int8 quantizer: quantile must be in (0.5, 1], got " +
                                   std::to_string(quantile));
  }
  for (size_t i = 0; i < vectors.size(); ++i) {
    if (!std::isfinite(vectors[i])) {
      return Status::InvalidArgument("int8 quantizer: training vector " + std::to_string(i / dims) +
                                     " contains NaN or infinity");
    }
  }

  std::vector<float> sample = SampleValues(vectors);
  double lo = 0;
  double hi = 0;
  if (quantile == 1.0f) {
    const auto [min, max] = std::minmax_element(sample.begin(), sample.end());
    lo = *min;
    hi = *max;
  } else {
    // The central `quantile` of the values: (1 - q)/2 of them fall below lo
    // and as many above hi, and are clipped when encoded.
    const double last = static_cast<double>(sample.size() - 1);
    const auto lo_rank = static_cast<size_t>(std::floor((1 - double{quantile}) / 2 * last));
    const auto hi_rank = std::min(static_cast<size_t>(std::ceil((1 + double{quantile}) / 2 * last)),
                                  sample.size() - 1);
    const auto lo_it = sample.begin() + static_cast<std::ptrdiff_t>(lo_rank);
    std::nth_element(sample.begin(), lo_it, sample.end());
    lo = *lo_it;
    // Everything after lo_it is >= lo, so hi is found among those.
    const auto hi_it = sample.begin() + static_cast<std::ptrdiff_t>(hi_rank);
    if (hi_rank > lo_rank) std::nth_element(lo_it + 1, hi_it, sample.end());
    hi = *hi_it;
  }

  // In double: hi - lo of two large finite floats can overflow a float.
  const auto beta = static_cast<float>((hi + lo) / 2);
  auto alpha = static_cast<float>((hi - lo) / (2 * double{kMaxCode}));
  // Constant (or nearly constant) data: every value encodes to 0 and decodes
  // to beta exactly. alpha stays positive and normal so that FromParams
  // accepts it back and (v - beta) / alpha is well defined.
  const float tiny = std::max(std::fabs(beta) * std::numeric_limits<float>::epsilon(),
                              std::numeric_limits<float>::min());
  if (!(alpha >= tiny)) alpha = tiny;
  return ScalarQuantizer(alpha, beta);
}

Result<ScalarQuantizer> ScalarQuantizer::FromParams(float alpha, float beta) {
  if (!std::isfinite(alpha) || !std::isfinite(beta)) {
    return Status::InvalidArgument("int8 quantizer: parameters must be finite");
  }
  if (!(alpha > 0)) {
    return Status::InvalidArgument("int8 quantizer: alpha must be positive, got " +
                                   std::to_string(alpha));
  }
  return ScalarQuantizer(alpha, beta);
}

int32_t ScalarQuantizer::Encode(std::span<const float> v, std::span<int8_t> code) const {
  QUARRY_CHECK(code.size() >= v.size(),
               "callers size code buffers from the same dimension count as the vectors");
  int32_t sum = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const int q = RoundToCode((v[i] - beta_) / alpha_);
    code[i] = static_cast<int8_t>(q);
    sum += q;
  }
  return sum;
}

void BinaryQuantizer::Encode(std::span<const float> v, std::span<uint64_t> bits) {
  const size_t words = WordsFor(v.size());
  QUARRY_CHECK(bits.size() >= words,
               "callers size bit buffers with WordsFor() of the vectors' dimension count");
  for (size_t w = 0; w < words; ++w) {
    const size_t first = w * 64;
    const size_t count = std::min<size_t>(64, v.size() - first);
    uint64_t word = 0;  // bits past the last dimension stay zero
    for (size_t j = 0; j < count; ++j) {
      word |= static_cast<uint64_t>(v[first + j] > 0) << j;
    }
    bits[w] = word;
  }
}

}  // namespace quarry::vector
