// The int8 matrix product of the encoder's fast path, y = x * W^T + bias
// with x quantized per row and W per output channel:
//
//   x[r, :] ~ sx[r] * qx[r, :],   qx in [-127, 127], stored as u8 = qx + 128
//   W[o, :] ~ sw[o] * qw[o, :],   qw in [-127, 127]
//   y[r, o] = sx[r] * sw[o] * (sum_k u8[r, k] * qw[o, k] - 128 * sum_k qw[o, k]) + bias[o]
//
// The +128 offset makes the activations unsigned, which is what vpdpbusd
// (AVX-512 VNNI: u8 x s8, four products summed into each int32) multiplies;
// the second term, fixed per column, removes it again. Sums are exact int32
// (|sum| <= 255 * 127 * k < 2^31 for k < 66,000), so every kernel computes
// the same integers.
//
// Weights are packed once: columns in blocks of 16, k in groups of 4; block j
// holds, for each group g, 16 columns x 4 bytes (64 bytes, one zmm register):
// packed[(j * k_padded / 4 + g) * 64 + c * 4 + i] = qw[16 j + c, 4 g + i].
// Padding columns and k beyond `in` are zero.
//
// Thread-safety: packed weights are immutable values; the kernels are pure
// functions on caller-owned buffers.
#ifndef QUARRY_EMBED_KERNELS_INT8_GEMM_H_
#define QUARRY_EMBED_KERNELS_INT8_GEMM_H_

#include <cstddef>
#include <cstdint>
#include <new>
#include <string_view>
#include <vector>

#include "embed/kernels/float_kernels.h"

namespace quarry::embed {

inline constexpr size_t kInt8BlockCols = 16;
inline constexpr size_t kInt8GroupK = 4;
inline constexpr int32_t kInt8Offset = 128;

// 64-byte aligned storage, so a zmm load of a packed group never splits lines.
template <typename T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64)));
  }
  void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t(64)); }
  bool operator==(const AlignedAllocator&) const { return true; }
};
template <typename T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

struct PackedInt8Weights {
  size_t out = 0, in = 0;
  size_t blocks = 0;                 // ceil(out / 16)
  size_t k_padded = 0;               // in rounded up to a multiple of 4
  AlignedVector<int8_t> data;        // blocks * k_padded * 16 bytes, layout above
  std::vector<float> scale;          // sw, [blocks * 16] (0 for padding columns)
  std::vector<int32_t> offset_sums;  // 128 * sum_k qw[o, k], [blocks * 16]
  std::vector<float> bias;           // [blocks * 16]
};

// Quantizes w[out, in] (PyTorch's layout) per output channel, symmetric,
// round to nearest: sw = max|w[o, :]| / 127 (1 for an all-zero row).
PackedInt8Weights PackInt8Weights(const float* w, const float* bias, size_t out, size_t in);

// Activations quantized per row: u8 = round(x / sx) + 128 with
// sx = max|x[r, :]| / 127 (1 for an all-zero row); k beyond `in` holds 128
// (that is, zero), so the padded groups add nothing.
struct QuantizedRows {
  size_t rows = 0, k_padded = 0;
  AlignedVector<uint8_t> data;  // [rows, k_padded]
  std::vector<float> scale;     // sx, [rows]
};
// `kernels` supplies the row quantizer (the scalar reference by default).
void QuantizeRows(const float* x, size_t rows, size_t in, QuantizedRows* q,
                  const FloatKernels& kernels = ScalarFloatKernels());
// Sizes q for rows x in without filling it; then each row r is
// q->scale[r] = kernels.quantize_row(x + r * in, in, q->k_padded, q->data.data() + r *
// q->k_padded).
void ResizeQuantizedRows(size_t rows, size_t in, QuantizedRows* q);

// One kernel call: rows [0, rows) times column blocks [block_begin, block_end).
// With `raw` set, writes the int32 sums sum_k u8 * qw (no offset removed) to
// raw[r * ld + o]; otherwise writes the dequantized y (formula above) to
// y[r * ld + o], for real columns o < out only. Plain pointers only: the
// SIMD files use no standard-library templates (an out-of-line copy compiled
// with their flags could be picked by the linker for other files).
struct Int8GemmArgs {
  const uint8_t* a = nullptr;  // QuantizedRows::data
  const float* a_scale = nullptr;
  size_t rows = 0, k_padded = 0;
  const int8_t* w = nullptr;  // PackedInt8Weights::data
  const float* w_scale = nullptr;
  const int32_t* w_offset_sums = nullptr;
  const float* w_bias = nullptr;
  size_t out = 0;
  size_t block_begin = 0, block_end = 0;
  float* y = nullptr;
  int32_t* raw = nullptr;
  size_t ld = 0;
};

// The arguments for a times w over all of w's column blocks, with no output set.
Int8GemmArgs MakeInt8GemmArgs(const QuantizedRows& a, const PackedInt8Weights& w);

using Int8GemmFn = void (*)(const Int8GemmArgs& args);

// One instruction set's kernel.
struct Int8Kernels {
  const char* name;
  Int8GemmFn gemm;
};

// The kernels of each instruction set; nullptr when this build lacks the
// file or the CPU cannot run it (checked at run time).
const Int8Kernels& ScalarInt8Kernels();
const Int8Kernels* Avx2Int8Kernels();
const Int8Kernels* Avx512VnniInt8Kernels();

// The best kernel this CPU runs, but no better than `cap` ("scalar", "avx2",
// "avx512"; empty or unknown: no cap). Never fails: scalar is always there.
const Int8Kernels& SelectInt8Kernels(std::string_view cap);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_KERNELS_INT8_GEMM_H_
