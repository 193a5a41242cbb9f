// The float kernels compiled with -mavx2 -mfma; used only when the CPU has them.
#define QUARRY_FLOAT_KERNELS_NAME "avx2"
#define QUARRY_FLOAT_KERNELS_GETTER const FloatKernels* Avx2FloatKernels()
#define QUARRY_FLOAT_KERNELS_RESULT &kernels
#include "embed/kernels/float_kernels_impl.inc"
