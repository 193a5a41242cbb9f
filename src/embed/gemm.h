// The float32 matrix products of the encoder, on the faster of two
// well-kept libraries: oneDNN's sgemm (the default) or OpenBLAS's.
//
// The embedding issue asks to measure both and keep the winner. On this
// machine (docs/benchmarks.md, "Embedding": GEMM shapes and the whole
// encoder) oneDNN's JIT kernels, which use AVX-512 where the CPU has it, run
// the encoder's shapes about twice as fast as Debian's OpenBLAS, which stays
// on its Haswell (AVX2) kernels. OpenBLAS stays linked as the
// reference and the fallback: QUARRY_GEMM=openblas in the environment, or
// SetGemmLibrary, selects it (the benchmark measures both in one process).
//
// Threads: OpenBLAS runs each product on its own pool (SetGemmThreads sets
// its size; 0 leaves its default, the cores). oneDNN runs each product on the
// calling thread alone (OpenMP's team is kept to one thread): the encoder
// splits products over its own workers (bert_ops.h ParallelLinear), since an
// OpenMP team beside those workers spins at every barrier for the same cores
// (measured: query latency 5x worse under load).
//
// Thread-safety: Sgemm may run concurrently from many threads; the setters
// are atomic and meant for start-up.
#ifndef QUARRY_EMBED_GEMM_H_
#define QUARRY_EMBED_GEMM_H_

#include <cstddef>
#include <string_view>

namespace quarry::embed {

enum class GemmLibrary { kOneDnn, kOpenBlas };

std::string_view GemmLibraryName(GemmLibrary library);
GemmLibrary CurrentGemmLibrary();
void SetGemmLibrary(GemmLibrary library);

// Threads per OpenBLAS product; 0: its default.
void SetGemmThreads(int threads);

// c[m, n] = alpha * a[m, k] * op(b) + beta * c, row-major; op(b) is b[k, n],
// or b[n, k] transposed when trans_b.
void Sgemm(bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_GEMM_H_
