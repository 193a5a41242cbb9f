// The scalar reference of the int8 kernel: always built, the one every other
// instruction set is tested against (int32 sums must be equal).
#include <algorithm>

#include "embed/kernels/int8_gemm.h"

namespace quarry::embed {
namespace {

void GemmScalar(const Int8GemmArgs& args) {
  const size_t groups = args.k_padded / kInt8GroupK;
  int32_t acc[kInt8BlockCols];
  for (size_t r = 0; r < args.rows; ++r) {
    const uint8_t* x = args.a + r * args.k_padded;
    for (size_t block = args.block_begin; block < args.block_end; ++block) {
      std::fill(acc, acc + kInt8BlockCols, 0);
      const int8_t* pw = args.w + block * groups * kInt8BlockCols * kInt8GroupK;
      for (size_t g = 0; g < groups; ++g) {
        const uint8_t* xg = x + g * kInt8GroupK;
        for (size_t c = 0; c < kInt8BlockCols; ++c) {
          const int8_t* wc = pw + (g * kInt8BlockCols + c) * kInt8GroupK;
          for (size_t i = 0; i < kInt8GroupK; ++i) acc[c] += int32_t{xg[i]} * int32_t{wc[i]};
        }
      }
      const size_t first = block * kInt8BlockCols;
      const size_t cols = std::min(kInt8BlockCols, args.out - first);
      for (size_t c = 0; c < cols; ++c) {
        const size_t o = first + c;
        if (args.raw != nullptr) {
          args.raw[r * args.ld + o] = acc[c];
        } else {
          args.y[r * args.ld + o] = static_cast<float>(acc[c] - args.w_offset_sums[o]) *
                                        (args.a_scale[r] * args.w_scale[o]) +
                                    args.w_bias[o];
        }
      }
    }
  }
}

}  // namespace

const Int8Kernels& ScalarInt8Kernels() {
  static const Int8Kernels kernels{"scalar", &GemmScalar};
  return kernels;
}

}  // namespace quarry::embed
