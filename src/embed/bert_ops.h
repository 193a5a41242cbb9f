// The float32 building blocks of the BERT forward pass. Matrix products go to
// gemm.h (oneDNN, or OpenBLAS); the element-wise steps are plain loops the compiler
// vectorizes. All matrices are row-major.
//
// Thread-safety: pure functions on caller-owned buffers.
#ifndef QUARRY_EMBED_BERT_OPS_H_
#define QUARRY_EMBED_BERT_OPS_H_

#include <cstddef>

#include "embed/worker_group.h"

namespace quarry::embed {

// y[rows, out] = x[rows, in] * w[out, in]^T + bias[out] (PyTorch's Linear).
void Linear(const float* x, size_t rows, size_t in, const float* w, const float* bias, size_t out,
            float* y);

// Linear, split by output columns over `workers` when the library runs
// products on the calling thread (oneDNN) and the product is large enough to
// pay for waking them; one call on the library's own threads otherwise.
void ParallelLinear(WorkerGroup& workers, const float* x, size_t rows, size_t in, const float* w,
                    const float* bias, size_t out, float* y);

// c[m, n] = alpha * a[m, k] * b[n, k]^T with leading dimensions lda, ldb, ldc.
void MatMulTransB(const float* a, size_t lda, const float* b, size_t ldb, size_t m, size_t n,
                  size_t k, float alpha, float* c, size_t ldc);

// c[m, n] = a[m, k] * b[k, n] with leading dimensions lda, ldb, ldc.
void MatMul(const float* a, size_t lda, const float* b, size_t ldb, size_t m, size_t n, size_t k,
            float* c, size_t ldc);

// x[i] += y[i].
void AddInPlace(float* x, const float* y, size_t n);

// Normalizes each of `rows` rows of width n to zero mean and unit variance
// (biased variance, as PyTorch), then scales by gamma and shifts by beta.
void LayerNormRows(float* x, size_t rows, size_t n, const float* gamma, const float* beta,
                   float eps);

// x = x * Phi(x), the exact (erf) GELU.
void GeluInPlace(float* x, size_t n);

// Softmax of one row, in place, numerically stable.
void SoftmaxInPlace(float* x, size_t n);

// Sets the number of threads of the matrix products (gemm.h: SetGemmThreads).
void SetBlasThreads(int threads);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_BERT_OPS_H_
