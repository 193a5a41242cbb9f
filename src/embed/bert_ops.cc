#include "embed/bert_ops.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>

namespace quarry::embed {

void Linear(const float* x, size_t rows, size_t in, const float* w, const float* bias, size_t out,
            float* y) {
  for (size_t r = 0; r < rows; ++r) std::copy(bias, bias + out, y + r * out);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<blasint>(rows),
              static_cast<blasint>(out), static_cast<blasint>(in), 1.0f, x,
              static_cast<blasint>(in), w, static_cast<blasint>(in), 1.0f, y,
              static_cast<blasint>(out));
}

void MatMulTransB(const float* a, size_t lda, const float* b, size_t ldb, size_t m, size_t n,
                  size_t k, float alpha, float* c, size_t ldc) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), alpha, a, static_cast<blasint>(lda),
              b, static_cast<blasint>(ldb), 0.0f, c, static_cast<blasint>(ldc));
}

void MatMul(const float* a, size_t lda, const float* b, size_t ldb, size_t m, size_t n, size_t k,
            float* c, size_t ldc) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), 1.0f, a, static_cast<blasint>(lda),
              b, static_cast<blasint>(ldb), 0.0f, c, static_cast<blasint>(ldc));
}

void AddInPlace(float* x, const float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] += y[i];
}

void LayerNormRows(float* x, size_t rows, size_t n, const float* gamma, const float* beta,
                   float eps) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * n;
    double mean = 0;
    for (size_t i = 0; i < n; ++i) mean += row[i];
    mean /= static_cast<double>(n);
    double var = 0;
    for (size_t i = 0; i < n; ++i) {
      const double d = row[i] - mean;
      var += d * d;
    }
    var /= static_cast<double>(n);
    const float inv = static_cast<float>(1.0 / std::sqrt(var + eps));
    const float m = static_cast<float>(mean);
    for (size_t i = 0; i < n; ++i) row[i] = (row[i] - m) * inv * gamma[i] + beta[i];
  }
}

void GeluInPlace(float* x, size_t n) {
  constexpr float kInvSqrt2 = 0.70710678118654752f;
  for (size_t i = 0; i < n; ++i) x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * kInvSqrt2));
}

void SoftmaxInPlace(float* x, size_t n) {
  const float max = *std::max_element(x, x + n);
  float sum = 0;
  for (size_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max);
    sum += x[i];
  }
  const float inv = 1.0f / sum;
  for (size_t i = 0; i < n; ++i) x[i] *= inv;
}

void SetBlasThreads(int threads) { openblas_set_num_threads(threads); }

}  // namespace quarry::embed
