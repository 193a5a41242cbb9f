#include "embed/kernels/int8_gemm.h"

#include <algorithm>
#include <cmath>

#include "vector/kernels/cpu_features.h"

namespace quarry::embed {

PackedInt8Weights PackInt8Weights(const float* w, const float* bias, size_t out, size_t in) {
  PackedInt8Weights p;
  p.out = out;
  p.in = in;
  p.blocks = (out + kInt8BlockCols - 1) / kInt8BlockCols;
  p.k_padded = (in + kInt8GroupK - 1) / kInt8GroupK * kInt8GroupK;
  const size_t cols = p.blocks * kInt8BlockCols;
  p.data.assign(cols * p.k_padded, 0);
  p.scale.assign(cols, 0.0f);
  p.offset_sums.assign(cols, 0);
  p.bias.assign(cols, 0.0f);
  const size_t groups = p.k_padded / kInt8GroupK;
  for (size_t o = 0; o < out; ++o) {
    const float* row = w + o * in;
    float max = 0;
    for (size_t k = 0; k < in; ++k) max = std::max(max, std::fabs(row[k]));
    const float scale = max > 0 ? max / 127.0f : 1.0f;
    const float inv = 1.0f / scale;
    const size_t block = o / kInt8BlockCols, c = o % kInt8BlockCols;
    int32_t sum = 0;
    for (size_t k = 0; k < in; ++k) {
      const int q = std::clamp(static_cast<int>(std::nearbyint(row[k] * inv)), -127, 127);
      sum += q;
      const size_t g = k / kInt8GroupK, i = k % kInt8GroupK;
      p.data[((block * groups + g) * kInt8BlockCols + c) * kInt8GroupK + i] =
          static_cast<int8_t>(q);
    }
    p.scale[o] = scale;
    p.offset_sums[o] = kInt8Offset * sum;
    p.bias[o] = bias != nullptr ? bias[o] : 0.0f;
  }
  return p;
}

void ResizeQuantizedRows(size_t rows, size_t in, QuantizedRows* q) {
  q->rows = rows;
  q->k_padded = (in + kInt8GroupK - 1) / kInt8GroupK * kInt8GroupK;
  if (q->data.size() < rows * q->k_padded) q->data.resize(rows * q->k_padded);
  q->scale.resize(rows);
}

void QuantizeRows(const float* x, size_t rows, size_t in, QuantizedRows* q,
                  const FloatKernels& kernels) {
  ResizeQuantizedRows(rows, in, q);
  for (size_t r = 0; r < rows; ++r) {
    q->scale[r] =
        kernels.quantize_row(x + r * in, in, q->k_padded, q->data.data() + r * q->k_padded);
  }
}

Int8GemmArgs MakeInt8GemmArgs(const QuantizedRows& a, const PackedInt8Weights& w) {
  Int8GemmArgs args;
  args.a = a.data.data();
  args.a_scale = a.scale.data();
  args.rows = a.rows;
  args.k_padded = a.k_padded;
  args.w = w.data.data();
  args.w_scale = w.scale.data();
  args.w_offset_sums = w.offset_sums.data();
  args.w_bias = w.bias.data();
  args.out = w.out;
  args.block_begin = 0;
  args.block_end = w.blocks;
  args.ld = w.out;
  return args;
}

const Int8Kernels& SelectInt8Kernels(std::string_view cap) {
  const vector::CpuFeatures& cpu = vector::HostCpuFeatures();
  const bool allow_avx512 = cap != "scalar" && cap != "avx2";
  const bool allow_avx2 = cap != "scalar";
  if (allow_avx512 && cpu.avx512f && cpu.avx512bw && cpu.avx512vnni && cpu.CanRunAvx2()) {
    if (const Int8Kernels* k = Avx512VnniInt8Kernels()) return *k;
  }
  if (allow_avx2 && cpu.avx2 && cpu.fma) {
    if (const Int8Kernels* k = Avx2Int8Kernels()) return *k;
  }
  return ScalarInt8Kernels();
}

}  // namespace quarry::embed
