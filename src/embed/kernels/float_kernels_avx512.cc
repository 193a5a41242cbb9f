// The float kernels compiled with -mavx512f -mavx512dq -mavx512bw -mavx2 -mfma;
// used only when the CPU has them.
#define QUARRY_FLOAT_KERNELS_NAME "avx512"
#define QUARRY_FLOAT_KERNELS_GETTER const FloatKernels* Avx512FloatKernels()
#define QUARRY_FLOAT_KERNELS_RESULT &kernels
#include "embed/kernels/float_kernels_impl.inc"
