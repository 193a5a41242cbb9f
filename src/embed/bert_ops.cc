#include "embed/bert_ops.h"

#include <algorithm>
#include <cmath>

#include "embed/gemm.h"

namespace quarry::embed {

void Linear(const float* x, size_t rows, size_t in, const float* w, const float* bias, size_t out,
            float* y) {
  for (size_t r = 0; r < rows; ++r) std::copy(bias, bias + out, y + r * out);
  Sgemm(/*trans_b=*/true, rows, out, in, 1.0f, x, in, w, in, 1.0f, y, out);
}

void ParallelLinear(WorkerGroup& workers, const float* x, size_t rows, size_t in, const float* w,
                    const float* bias, size_t out, float* y) {
  // Below about a million multiply-adds (~10 us on one core) waking the
  // workers costs more than it saves.
  constexpr size_t kParallelMacs = size_t{1} << 20;
  if (CurrentGemmLibrary() != GemmLibrary::kOneDnn || workers.size() == 1 ||
      rows * in * out < kParallelMacs) {
    Linear(x, rows, in, w, bias, out, y);
    return;
  }
  // Column blocks of whole 16-float vectors: rows of w are contiguous, and
  // no two parts write the same cache line of y more than at the edges.
  const size_t parts = static_cast<size_t>(workers.size());
  const size_t vectors = (out + 15) / 16;
  workers.Run([&](int part) {
    const size_t begin = std::min(out, vectors * part / parts * 16);
    const size_t end = std::min(out, vectors * (part + 1) / parts * 16);
    if (begin == end) return;
    for (size_t r = 0; r < rows; ++r) std::copy(bias + begin, bias + end, y + r * out + begin);
    Sgemm(/*trans_b=*/true, rows, end - begin, in, 1.0f, x, in, w + begin * in, in, 1.0f,
          y + begin, out);
  });
}

void MatMulTransB(const float* a, size_t lda, const float* b, size_t ldb, size_t m, size_t n,
                  size_t k, float alpha, float* c, size_t ldc) {
  Sgemm(/*trans_b=*/true, m, n, k, alpha, a, lda, b, ldb, 0.0f, c, ldc);
}

void MatMul(const float* a, size_t lda, const float* b, size_t ldb, size_t m, size_t n, size_t k,
            float* c, size_t ldc) {
  Sgemm(/*trans_b=*/false, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
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

void SetBlasThreads(int threads) { SetGemmThreads(threads); }

}  // namespace quarry::embed
