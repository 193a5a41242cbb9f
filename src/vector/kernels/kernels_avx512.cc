// AVX-512 kernels (F, BW, VL, DQ, VNNI, VPOPCNTDQ). Compiled with exactly those
// flags (CMakeLists.txt) and reached only through kernel_dispatch.cc after a
// CPU and OS check.
//
// Tails use masked loads, which do not touch (or fault on) masked-out bytes:
// no kernel reads past a[n - 1] or b[n - 1].
//
// Only intrinsics here, no standard-library templates: an inline function
// instantiated in this file and emitted out of line (at -O0) would be
// compiled with AVX-512, and the linker may pick that copy for every other file.
#include "vector/kernels/kernel_tables.h"

// GCC 12's AVX-512 headers build some casts and extracts (used by
// _mm512_reduce_add_*) from _mm256_undefined_*(), which -Wuninitialized and
// -Wmaybe-uninitialized report, wrongly, wherever they are inlined. Those
// warnings are located in the header, so silencing them around the include
// leaves them on for this file's own code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif

namespace quarry::vector::internal {
namespace {

// Lanes [0, rem) set. REQUIRES: rem < 16.
inline __mmask16 Mask16(size_t rem) { return static_cast<__mmask16>((1u << rem) - 1); }
// REQUIRES: rem < 64.
inline __mmask64 Mask64(size_t rem) { return (uint64_t{1} << rem) - 1; }
// REQUIRES: rem < 8.
inline __mmask8 Mask8(size_t rem) { return static_cast<__mmask8>((1u << rem) - 1); }

float DotF32(const float* a, const float* b, size_t n) {
  __m512 s0 = _mm512_setzero_ps();
  __m512 s1 = _mm512_setzero_ps();
  __m512 s2 = _mm512_setzero_ps();
  __m512 s3 = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
    s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
    s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), s2);
    s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), s3);
  }
  for (; i + 16 <= n; i += 16) {
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
  }
  if (i < n) {
    const __mmask16 m = Mask16(n - i);
    s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

float L2sqF32(const float* a, const float* b, size_t n) {
  __m512 s0 = _mm512_setzero_ps();
  __m512 s1 = _mm512_setzero_ps();
  __m512 s2 = _mm512_setzero_ps();
  __m512 s3 = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    const __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
    const __m512 d2 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32));
    const __m512 d3 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48));
    s0 = _mm512_fmadd_ps(d0, d0, s0);
    s1 = _mm512_fmadd_ps(d1, d1, s1);
    s2 = _mm512_fmadd_ps(d2, d2, s2);
    s3 = _mm512_fmadd_ps(d3, d3, s3);
  }
  for (; i + 16 <= n; i += 16) {
    const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    s0 = _mm512_fmadd_ps(d, d, s0);
  }
  if (i < n) {
    const __mmask16 m = Mask16(n - i);
    const __m512 d =
        _mm512_sub_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));
    s1 = _mm512_fmadd_ps(d, d, s1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

// acc + Σ a·b over 64 bytes, in sixteen int32 lanes. VNNI's dpbusd multiplies
// unsigned by signed bytes, so a's sign moves onto b: a·b = |a| · (a < 0 ? -b : b).
// With both in [-127, 127], -b never wraps and each product fits.
inline __m512i DotBlock64(__m512i acc, __m512i va, __m512i vb) {
  const __mmask64 negative = _mm512_movepi8_mask(va);
  const __m512i signed_b = _mm512_mask_sub_epi8(vb, negative, _mm512_setzero_si512(), vb);
  return _mm512_dpbusd_epi32(acc, _mm512_abs_epi8(va), signed_b);
}

int32_t DotI8(const int8_t* a, const int8_t* b, size_t n) {
  __m512i s0 = _mm512_setzero_si512();
  __m512i s1 = _mm512_setzero_si512();
  size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    s0 = DotBlock64(s0, _mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i));
    s1 = DotBlock64(s1, _mm512_loadu_si512(a + i + 64), _mm512_loadu_si512(b + i + 64));
  }
  if (i + 64 <= n) {
    s0 = DotBlock64(s0, _mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i));
    i += 64;
  }
  if (i < n) {
    const __mmask64 m = Mask64(n - i);
    s1 = DotBlock64(s1, _mm512_maskz_loadu_epi8(m, a + i), _mm512_maskz_loadu_epi8(m, b + i));
  }
  return _mm512_reduce_add_epi32(_mm512_add_epi32(s0, s1));
}

uint32_t Hamming(const uint64_t* a, const uint64_t* b, size_t words) {
  __m512i s = _mm512_setzero_si512();
  size_t i = 0;
  for (; i + 8 <= words; i += 8) {
    const __m512i x = _mm512_xor_si512(_mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i));
    s = _mm512_add_epi64(s, _mm512_popcnt_epi64(x));
  }
  if (i < words) {
    const __mmask8 m = Mask8(words - i);
    const __m512i x =
        _mm512_xor_si512(_mm512_maskz_loadu_epi64(m, a + i), _mm512_maskz_loadu_epi64(m, b + i));
    s = _mm512_add_epi64(s, _mm512_popcnt_epi64(x));
  }
  return static_cast<uint32_t>(_mm512_reduce_add_epi64(s));
}

constexpr Kernels kAvx512Kernels{
    .isa = Isa::kAvx512,
    .name = "avx512",
    .dot_f32 = DotF32,
    .l2sq_f32 = L2sqF32,
    .dot_i8 = DotI8,
    .hamming = Hamming,
};

}  // namespace

const Kernels& Avx512Table() { return kAvx512Kernels; }

}  // namespace quarry::vector::internal
