#include "vector/kernels/kernel_dispatch.h"

#include <cstdlib>

#include "vector/kernels/cpu_features.h"
#include "vector/kernels/kernel_tables.h"

namespace quarry::vector {

const Kernels* Avx2Kernels() {
#ifdef QUARRY_KERNELS_HAVE_AVX2
  if (HostCpuFeatures().CanRunAvx2()) return &internal::Avx2Table();
#endif
  return nullptr;
}

const Kernels* Avx512Kernels() {
#ifdef QUARRY_KERNELS_HAVE_AVX512
  if (HostCpuFeatures().CanRunAvx512()) return &internal::Avx512Table();
#endif
  return nullptr;
}

std::optional<Isa> ParseIsa(std::string_view name) {
  if (name == "scalar") return Isa::kScalar;
  if (name == "avx2") return Isa::kAvx2;
  if (name == "avx512") return Isa::kAvx512;
  return std::nullopt;
}

const Kernels& SelectKernels(std::string_view cap) {
  const Isa limit = ParseIsa(cap).value_or(Isa::kAvx512);
  if (limit == Isa::kAvx512) {
    if (const Kernels* k = Avx512Kernels()) return *k;
  }
  if (limit == Isa::kAvx512 || limit == Isa::kAvx2) {
    if (const Kernels* k = Avx2Kernels()) return *k;
  }
  return ScalarKernels();
}

const Kernels& BestKernels() {
  const char* cap = std::getenv("QUARRY_ISA");
  return SelectKernels(cap == nullptr ? std::string_view() : std::string_view(cap));
}

}  // namespace quarry::vector
