// Built when the compiler cannot target AVX-512 (F, BW, DQ, VNNI): those kernels are absent.
#include "embed/kernels/float_kernels.h"
#include "embed/kernels/int8_gemm.h"

namespace quarry::embed {
const Int8Kernels* Avx512VnniInt8Kernels() { return nullptr; }
const FloatKernels* Avx512FloatKernels() { return nullptr; }
}  // namespace quarry::embed
