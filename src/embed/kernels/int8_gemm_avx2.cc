// The int8 kernel with AVX2, for CPUs without VNNI. vpmaddubsw would
// saturate (255 * 127 * 2 > 32767), so bytes are widened to int16 and
// vpmaddwd sums pairs of products exactly into int32: each ymm of 16 int16
// weights covers 4 columns x 4 k, and lane pairs are added at the end.
// Compiled with -mavx2 -mfma; called only when the CPU has them.
#include <immintrin.h>

#include <cstring>

#include "embed/kernels/int8_gemm.h"

namespace quarry::embed {
namespace {

inline size_t Min(size_t a, size_t b) { return a < b ? a : b; }

template <int MR>
void Tile(const Int8GemmArgs& args, size_t row, size_t block) {
  const size_t groups = args.k_padded / kInt8GroupK;
  const int8_t* pw = args.w + block * groups * kInt8BlockCols * kInt8GroupK;
  __m256i acc[MR][4];
  for (int r = 0; r < MR; ++r) {
    for (int j = 0; j < 4; ++j) acc[r][j] = _mm256_setzero_si256();
  }
  for (size_t g = 0; g < groups; ++g) {
    __m256i wv[4];
    for (int j = 0; j < 4; ++j) {
      wv[j] = _mm256_cvtepi8_epi16(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(pw + g * 64 + j * 16)));
    }
    for (int r = 0; r < MR; ++r) {
      int32_t four;
      std::memcpy(&four, args.a + (row + r) * args.k_padded + g * kInt8GroupK, 4);
      const __m256i av = _mm256_cvtepu8_epi16(_mm_set1_epi32(four));
      for (int j = 0; j < 4; ++j)
        acc[r][j] = _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(wv[j], av));
    }
  }
  const size_t first = block * kInt8BlockCols;
  const size_t cols = Min(kInt8BlockCols, args.out - first);
  for (int r = 0; r < MR; ++r) {
    // acc[j] holds columns 4j..4j+3 as pairs of partial sums.
    alignas(32) int32_t sums[kInt8BlockCols];
    for (int half = 0; half < 2; ++half) {
      const __m256i s = _mm256_hadd_epi32(acc[r][2 * half], acc[r][2 * half + 1]);
      _mm256_store_si256(reinterpret_cast<__m256i*>(sums + 8 * half),
                         _mm256_permute4x64_epi64(s, 0xD8));
    }
    for (size_t c = 0; c < cols; ++c) {
      const size_t o = first + c;
      if (args.raw != nullptr) {
        args.raw[(row + r) * args.ld + o] = sums[c];
      } else {
        args.y[(row + r) * args.ld + o] = static_cast<float>(sums[c] - args.w_offset_sums[o]) *
                                              (args.a_scale[row + r] * args.w_scale[o]) +
                                          args.w_bias[o];
      }
    }
  }
}

void GemmAvx2(const Int8GemmArgs& args) {
  const size_t rows = args.rows;
  for (size_t block = args.block_begin; block < args.block_end; ++block) {
    size_t row = 0;
    for (; row + 2 <= rows; row += 2) Tile<2>(args, row, block);
    if (row < rows) Tile<1>(args, row, block);
  }
}

}  // namespace

const Int8Kernels* Avx2Int8Kernels() {
  static const Int8Kernels kernels{"avx2", &GemmAvx2};
  return &kernels;
}

}  // namespace quarry::embed
