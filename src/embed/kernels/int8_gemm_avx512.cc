// The int8 kernel with AVX-512 VNNI: vpdpbusd multiplies 4 unsigned bytes of
// a row by 4 signed bytes of each of 16 columns and adds the four products to
// 16 int32 sums, in one instruction. A tile of up to 6 rows x 64 columns
// keeps 24 zmm accumulators; each step of 4 k loads 4 zmm of packed weights
// and broadcasts 4 bytes per row. Rows run in chunks that stay in L2 while
// the weight panel of 64 columns is reused across them.
// Compiled with -mavx512f -mavx512bw -mavx512vnni; called only when the CPU
// has them (SelectInt8Kernels).
// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized inside themselves
// (_mm512_undefined_*); silenced around the include only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif

#include <cstring>

#include "embed/kernels/int8_gemm.h"

namespace quarry::embed {
namespace {

inline size_t Min(size_t a, size_t b) { return a < b ? a : b; }

constexpr size_t kRowChunk = 96;
constexpr int kMaxRows = 6;
constexpr int kMaxBlocks = 4;

inline __m512i Broadcast4(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return _mm512_set1_epi32(v);
}

template <int MR, int NB>
void Tile(const Int8GemmArgs& args, size_t row, size_t block) {
  const size_t groups = args.k_padded / kInt8GroupK;
  const size_t block_bytes = groups * kInt8BlockCols * kInt8GroupK;
  const uint8_t* x = args.a + row * args.k_padded;
  const int8_t* pw = args.w + block * block_bytes;
  __m512i acc[MR][NB];
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int j = 0; j < NB; ++j) acc[r][j] = _mm512_setzero_si512();
  }
  for (size_t g = 0; g < groups; ++g) {
    __m512i wv[NB];
#pragma GCC unroll 8
    for (int j = 0; j < NB; ++j) wv[j] = _mm512_load_si512(pw + j * block_bytes + g * 64);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      const __m512i av = Broadcast4(x + r * args.k_padded + g * kInt8GroupK);
#pragma GCC unroll 8
      for (int j = 0; j < NB; ++j) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], av, wv[j]);
    }
  }
#pragma GCC unroll 8
  for (int j = 0; j < NB; ++j) {
    const size_t first = (block + j) * kInt8BlockCols;
    const size_t cols = Min(kInt8BlockCols, args.out - first);
    const __mmask16 mask = static_cast<__mmask16>((1u << cols) - 1);
    if (args.raw != nullptr) {
#pragma GCC unroll 8
      for (int r = 0; r < MR; ++r) {
        _mm512_mask_storeu_epi32(args.raw + (row + r) * args.ld + first, mask, acc[r][j]);
      }
      continue;
    }
    const __m512i off = _mm512_loadu_si512(args.w_offset_sums + first);
    const __m512 sw = _mm512_loadu_ps(args.w_scale + first);
    const __m512 bias = _mm512_loadu_ps(args.w_bias + first);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      const __m512 s = _mm512_mul_ps(_mm512_set1_ps(args.a_scale[row + r]), sw);
      const __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][j], off));
      _mm512_mask_storeu_ps(args.y + (row + r) * args.ld + first, mask,
                            _mm512_fmadd_ps(v, s, bias));
    }
  }
}

template <int MR>
void TileRows(const Int8GemmArgs& args, size_t row, size_t block, size_t nb) {
  switch (nb) {
    case 1:
      return Tile<MR, 1>(args, row, block);
    case 2:
      return Tile<MR, 2>(args, row, block);
    case 3:
      return Tile<MR, 3>(args, row, block);
    default:
      return Tile<MR, 4>(args, row, block);
  }
}

void GemmAvx512Vnni(const Int8GemmArgs& args) {
  const size_t rows = args.rows;
  for (size_t chunk = 0; chunk < rows; chunk += kRowChunk) {
    const size_t chunk_end = Min(rows, chunk + kRowChunk);
    for (size_t block = args.block_begin; block < args.block_end; block += kMaxBlocks) {
      const size_t nb = Min(kMaxBlocks, args.block_end - block);
      size_t row = chunk;
      for (; row + kMaxRows <= chunk_end; row += kMaxRows) TileRows<kMaxRows>(args, row, block, nb);
      switch (chunk_end - row) {
        case 5:
          TileRows<5>(args, row, block, nb);
          break;
        case 4:
          TileRows<4>(args, row, block, nb);
          break;
        case 3:
          TileRows<3>(args, row, block, nb);
          break;
        case 2:
          TileRows<2>(args, row, block, nb);
          break;
        case 1:
          TileRows<1>(args, row, block, nb);
          break;
        default:
          break;
      }
    }
  }
}

}  // namespace

const Int8Kernels* Avx512VnniInt8Kernels() {
  static const Int8Kernels kernels{"avx512-vnni", &GemmAvx512Vnni};
  return &kernels;
}

}  // namespace quarry::embed
