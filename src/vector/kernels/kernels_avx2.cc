// AVX2 + FMA kernels. Compiled with -mavx2 -mfma -mpopcnt (CMakeLists.txt)
// and reached only through kernel_dispatch.cc after a CPU check, so nothing
// here may run, or be inlined into code that runs, on an older CPU.
//
// Tails are read with masked loads (floats) or narrower steps (bytes): no
// kernel reads past a[n - 1] or b[n - 1].
//
// Only intrinsics here, no standard-library templates: an inline function
// instantiated in this file and emitted out of line (at -O0) would be
// compiled with AVX2, and the linker may pick that copy for every other file.
#include <immintrin.h>

#include "vector/kernels/kernel_tables.h"

namespace quarry::vector::internal {
namespace {

// Lanes [0, rem) set. REQUIRES: rem < 8.
inline __m256i TailMask(size_t rem) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(rem)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline int32_t HorizontalSum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

float DotF32(const float* a, const float* b, size_t n) {
  __m256 s0 = _mm256_setzero_ps();
  __m256 s1 = _mm256_setzero_ps();
  __m256 s2 = _mm256_setzero_ps();
  __m256 s3 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
    s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
  }
  for (; i + 8 <= n; i += 8) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  }
  if (i < n) {
    const __m256i mask = TailMask(n - i);
    s1 = _mm256_fmadd_ps(_mm256_maskload_ps(a + i, mask), _mm256_maskload_ps(b + i, mask), s1);
  }
  return HorizontalSum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

float L2sqF32(const float* a, const float* b, size_t n) {
  __m256 s0 = _mm256_setzero_ps();
  __m256 s1 = _mm256_setzero_ps();
  __m256 s2 = _mm256_setzero_ps();
  __m256 s3 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
    const __m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
    const __m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
    s0 = _mm256_fmadd_ps(d0, d0, s0);
    s1 = _mm256_fmadd_ps(d1, d1, s1);
    s2 = _mm256_fmadd_ps(d2, d2, s2);
    s3 = _mm256_fmadd_ps(d3, d3, s3);
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    s0 = _mm256_fmadd_ps(d, d, s0);
  }
  if (i < n) {
    const __m256i mask = TailMask(n - i);
    const __m256 d =
        _mm256_sub_ps(_mm256_maskload_ps(a + i, mask), _mm256_maskload_ps(b + i, mask));
    s1 = _mm256_fmadd_ps(d, d, s1);
  }
  return HorizontalSum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

// Σ a·b over 32 bytes as eight int32 lanes. maddubs multiplies unsigned by
// signed bytes, so a's sign moves onto b: a·b = |a| · sign(b, a). With both in
// [-127, 127] each i16 pair sum is at most 2·127² = 32258: no saturation.
inline __m256i DotBlock32(__m256i va, __m256i vb) {
  const __m256i products = _mm256_maddubs_epi16(_mm256_abs_epi8(va), _mm256_sign_epi8(vb, va));
  return _mm256_madd_epi16(products, _mm256_set1_epi16(1));
}

inline __m128i DotBlock16(__m128i va, __m128i vb) {
  const __m128i products = _mm_maddubs_epi16(_mm_abs_epi8(va), _mm_sign_epi8(vb, va));
  return _mm_madd_epi16(products, _mm_set1_epi16(1));
}

inline __m256i Load32(const int8_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

int32_t DotI8(const int8_t* a, const int8_t* b, size_t n) {
  __m256i s0 = _mm256_setzero_si256();
  __m256i s1 = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    s0 = _mm256_add_epi32(s0, DotBlock32(Load32(a + i), Load32(b + i)));
    s1 = _mm256_add_epi32(s1, DotBlock32(Load32(a + i + 32), Load32(b + i + 32)));
  }
  if (i + 32 <= n) {
    s0 = _mm256_add_epi32(s0, DotBlock32(Load32(a + i), Load32(b + i)));
    i += 32;
  }
  __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s1), _mm256_extracti128_si256(s1, 1));
  if (i + 16 <= n) {
    t = _mm_add_epi32(t, DotBlock16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)),
                                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i))));
    i += 16;
  }
  if (i + 8 <= n) {
    // 64-bit loads zero the upper half, which adds nothing.
    t = _mm_add_epi32(t, DotBlock16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + i)),
                                    _mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + i))));
    i += 8;
  }
  int32_t sum = HorizontalSum(_mm256_add_epi32(s0, _mm256_castsi128_si256(t)));
  for (; i < n; ++i) sum += int32_t{a[i]} * int32_t{b[i]};
  return sum;
}

inline uint64_t Popcount(uint64_t x) { return static_cast<uint64_t>(_mm_popcnt_u64(x)); }

// POPCNT on 64-bit words; four accumulators hide its three-cycle latency.
uint32_t Hamming(const uint64_t* a, const uint64_t* b, size_t words) {
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= words; i += 4) {
    s0 += Popcount(a[i] ^ b[i]);
    s1 += Popcount(a[i + 1] ^ b[i + 1]);
    s2 += Popcount(a[i + 2] ^ b[i + 2]);
    s3 += Popcount(a[i + 3] ^ b[i + 3]);
  }
  for (; i < words; ++i) s0 += Popcount(a[i] ^ b[i]);
  return static_cast<uint32_t>((s0 + s1) + (s2 + s3));
}

constexpr Kernels kAvx2Kernels{
    .isa = Isa::kAvx2,
    .name = "avx2",
    .dot_f32 = DotF32,
    .l2sq_f32 = L2sqF32,
    .dot_i8 = DotI8,
    .hamming = Hamming,
};

}  // namespace

const Kernels& Avx2Table() { return kAvx2Kernels; }

}  // namespace quarry::vector::internal
