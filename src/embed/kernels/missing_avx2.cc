// Built when the compiler cannot target AVX2: those kernels are absent.
#include "embed/kernels/float_kernels.h"
#include "embed/kernels/int8_gemm.h"

namespace quarry::embed {
const Int8Kernels* Avx2Int8Kernels() { return nullptr; }
const FloatKernels* Avx2FloatKernels() { return nullptr; }
}  // namespace quarry::embed
