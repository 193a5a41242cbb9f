#include "embed/kernels/float_kernels.h"

#include "vector/kernels/cpu_features.h"

namespace quarry::embed {

const FloatKernels& SelectFloatKernels(std::string_view cap) {
  const vector::CpuFeatures& cpu = vector::HostCpuFeatures();
  if (cap != "scalar" && cap != "avx2" && cpu.avx512f && cpu.avx512dq && cpu.avx512bw &&
      cpu.CanRunAvx2()) {
    if (const FloatKernels* k = Avx512FloatKernels()) return *k;
  }
  if (cap != "scalar" && cpu.avx2 && cpu.fma) {
    if (const FloatKernels* k = Avx2FloatKernels()) return *k;
  }
  return ScalarFloatKernels();
}

}  // namespace quarry::embed
