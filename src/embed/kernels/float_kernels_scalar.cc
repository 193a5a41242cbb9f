// The float kernels for the baseline CPU: the reference the others are tested against.
#define QUARRY_FLOAT_KERNELS_NAME "scalar"
#define QUARRY_FLOAT_KERNELS_GETTER const FloatKernels& ScalarFloatKernels()
#define QUARRY_FLOAT_KERNELS_RESULT kernels
#include "embed/kernels/float_kernels_impl.inc"
