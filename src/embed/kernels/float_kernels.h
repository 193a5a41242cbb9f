// The encoder's float32 steps other than the big matrix products: fused
// per-head attention, exact-erf GELU and the int8 path's row quantizer.
// One source (float_kernels_impl.inc) compiled three times, for the baseline
// CPU (the scalar reference), AVX2+FMA and AVX-512, so that the compiler
// vectorizes the same loops for each; exp and erf are polynomials written to
// vectorize (max error about 2 ulp for exp, 1.5e-7 absolute for erf).
//
// Thread-safety: pure functions on caller-owned buffers.
#ifndef QUARRY_EMBED_KERNELS_FLOAT_KERNELS_H_
#define QUARRY_EMBED_KERNELS_FLOAT_KERNELS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace quarry::embed {

// One head of one sequence: context[t, :] = sum_j softmax_j(scale * q_t . k_j) v_j
// over the sequence's n tokens, t < n. q, k, v rows are `ld` floats apart
// (the fused QKV output), context rows `ld_out` apart; d <= 256.
// `scratch` holds at least d * n + n floats (K transposed, one score row).
struct AttentionArgs {
  const float* q = nullptr;
  const float* k = nullptr;
  const float* v = nullptr;
  size_t ld = 0;
  size_t n = 0, d = 0;
  float scale = 1;
  float* context = nullptr;
  size_t ld_out = 0;
  float* scratch = nullptr;
};

struct FloatKernels {
  const char* name;
  void (*attention)(const AttentionArgs& args);
  // x = x * Phi(x) (erf GELU), in place.
  void (*gelu)(float* x, size_t n);
  // One row: out[k] = round(x[k] / s) + 128, s = max|x| / 127 (1 if all zero);
  // out[in .. k_padded) = 128. Returns s.
  float (*quantize_row)(const float* x, size_t in, size_t k_padded, uint8_t* out);
};

const FloatKernels& ScalarFloatKernels();
const FloatKernels* Avx2FloatKernels();
const FloatKernels* Avx512FloatKernels();

// The best this CPU runs, no better than `cap` ("scalar", "avx2", "avx512").
const FloatKernels& SelectFloatKernels(std::string_view cap);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_KERNELS_FLOAT_KERNELS_H_
