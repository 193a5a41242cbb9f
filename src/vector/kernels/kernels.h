// Distance kernels, one table per instruction set, chosen once at run time.
//
// kernels_scalar.cc is the reference, always built, that every SIMD table is
// tested against (kernels_test.cc). kernels_avx2.cc and kernels_avx512.cc are
// compiled with their own flags (never -march=native) and used only when the
// CPU reports the features they need. The chosen table is held by the index
// that uses it: no global function pointer is reassigned.
//
// Thread-safety: tables are immutable; all functions are pure.
#ifndef QUARRY_VECTOR_KERNELS_KERNELS_H_
#define QUARRY_VECTOR_KERNELS_KERNELS_H_

#include <cstddef>
#include <cstdint>

namespace quarry::vector {

enum class Isa { kScalar, kAvx2, kAvx512 };

struct Kernels {
  Isa isa = Isa::kScalar;
  const char* name = "scalar";
  // Σ a[i] * b[i].
  float (*dot_f32)(const float* a, const float* b, size_t n) = nullptr;
  // Σ (a[i] - b[i])².
  float (*l2sq_f32)(const float* a, const float* b, size_t n) = nullptr;
  // Σ a[i] * b[i] over int8 codes. REQUIRES: every value in [-127, 127]
  // (so |a|·b fits the u8×s8 instructions without saturation) and
  // n <= kMaxInt8Dims (so the int32 sum cannot overflow).
  int32_t (*dot_i8)(const int8_t* a, const int8_t* b, size_t n) = nullptr;
  // Number of differing bits between two bit vectors of `words` 64-bit words.
  uint32_t (*hamming)(const uint64_t* a, const uint64_t* b, size_t words) = nullptr;
};

inline constexpr size_t kMaxInt8Dims = 65536;

const Kernels& ScalarKernels();
// nullptr when the binary was built without that path or the CPU lacks a
// feature it needs (AVX2+FMA; AVX-512 F/BW/VL/VNNI/VPOPCNTDQ).
const Kernels* Avx2Kernels();
const Kernels* Avx512Kernels();

// The best table this CPU supports. The environment variable QUARRY_ISA
// (scalar | avx2 | avx512) caps the choice, for tests and benchmarks.
const Kernels& BestKernels();

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_KERNELS_KERNELS_H_
