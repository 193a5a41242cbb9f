// Quantizers: compact codes for vectors, separate from the graph.
//
//   int8:   one byte per dimension, values clipped to the [lo, hi] range that
//           covers `quantile` of the training values, mapped linearly onto
//           [-127, 127]: x ≈ alpha * q + beta. Dot products of codes estimate
//           float dot products with the correction terms below.
//   binary: one sign bit per dimension; similarity estimated from Hamming
//           distance. Always used with oversampling and rescoring.
//
// Thread-safety: quantizers are immutable after training; Encode and the
// estimators may run concurrently.
#ifndef QUARRY_VECTOR_QUANTIZATION_H_
#define QUARRY_VECTOR_QUANTIZATION_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "quarry/status.h"

namespace quarry::vector {

enum class Quantization { kNone, kInt8, kBinary };

std::string_view QuantizationName(Quantization q);

class ScalarQuantizer {
 public:
  // Trains on `vectors` (rows of `dims` floats; a sample is enough).
  // REQUIRES: 0.5 < quantile <= 1. Rejects empty input and non-finite values.
  static Result<ScalarQuantizer> Train(std::span<const float> vectors, size_t dims,
                                       float quantile);
  // From stored parameters (file load). Rejects alpha <= 0 or non-finite values.
  static Result<ScalarQuantizer> FromParams(float alpha, float beta);

  // Writes dims codes in [-127, 127]; returns Σ codes (the correction term).
  int32_t Encode(std::span<const float> v, std::span<int8_t> code) const;

  // Estimates Σ x[i] * y[i] from the raw code dot product and each code's sum:
  //   alpha² · dot + alpha·beta · (sum_x + sum_y) + dims · beta².
  float EstimateDot(int32_t code_dot, int32_t sum_x, int32_t sum_y, size_t dims) const {
    return alpha_ * alpha_ * static_cast<float>(code_dot) +
           alpha_ * beta_ * static_cast<float>(sum_x + sum_y) +
           static_cast<float>(dims) * beta_ * beta_;
  }

  float alpha() const { return alpha_; }
  float beta() const { return beta_; }

 private:
  ScalarQuantizer(float alpha, float beta) : alpha_(alpha), beta_(beta) {}
  float alpha_ = 1;
  float beta_ = 0;
};

class BinaryQuantizer {
 public:
  static size_t WordsFor(size_t dims) { return (dims + 63) / 64; }
  // Bit i is set when v[i] > 0. Padding bits are zero.
  static void Encode(std::span<const float> v, std::span<uint64_t> bits);
  // Similarity estimate in [-dims, dims]: agreeing signs minus disagreeing ones.
  static float EstimateSimilarity(uint32_t hamming, size_t dims) {
    return static_cast<float>(dims) - 2.0f * static_cast<float>(hamming);
  }
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_QUANTIZATION_H_
