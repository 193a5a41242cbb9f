// The reference kernels: plain C++, no intrinsics, built for the baseline CPU.
// Every SIMD table is tested against these. The float kernels keep eight
// independent accumulators, which the compiler can vectorize with baseline
// SSE2 without -ffast-math (no sum is reassociated).
#include "vector/kernels/kernels.h"

namespace quarry::vector {
namespace {

float DotF32(const float* a, const float* b, size_t n) {
  float s[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (size_t j = 0; j < 8; ++j) s[j] += a[i + j] * b[i + j];
  }
  for (size_t j = 0; i < n; ++i, ++j) s[j] += a[i] * b[i];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

float L2sqF32(const float* a, const float* b, size_t n) {
  float s[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (size_t j = 0; j < 8; ++j) {
      const float d = a[i + j] - b[i + j];
      s[j] += d * d;
    }
  }
  for (size_t j = 0; i < n; ++i, ++j) {
    const float d = a[i] - b[i];
    s[j] += d * d;
  }
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

// Exact: |a[i] * b[i]| <= 127² and n <= kMaxInt8Dims keep the sum in int32.
// One accumulator on purpose: integer addition is associative, so the
// compiler vectorizes this reduction by itself (twice as fast as eight
// hand-split accumulators, which it does not).
int32_t DotI8(const int8_t* a, const int8_t* b, size_t n) {
  int32_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += int32_t{a[i]} * int32_t{b[i]};
  return sum;
}

// Bit count without the POPCNT instruction, which the baseline CPU may lack:
// std::popcount would become a call into libgcc, twice as slow as this.
constexpr uint64_t Popcount(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return (x * 0x0101010101010101ull) >> 56;
}
static_assert(Popcount(0) == 0 && Popcount(~uint64_t{0}) == 64 &&
              Popcount(0x8000000000000001ull) == 2);

uint32_t Hamming(const uint64_t* a, const uint64_t* b, size_t words) {
  uint64_t sum = 0;
  for (size_t i = 0; i < words; ++i) sum += Popcount(a[i] ^ b[i]);
  return static_cast<uint32_t>(sum);
}

constexpr Kernels kScalarKernels{
    .isa = Isa::kScalar,
    .name = "scalar",
    .dot_f32 = DotF32,
    .l2sq_f32 = L2sqF32,
    .dot_i8 = DotI8,
    .hamming = Hamming,
};

}  // namespace

const Kernels& ScalarKernels() { return kScalarKernels; }

}  // namespace quarry::vector
