// Choosing a kernel table with an explicit cap, the testable core of
// BestKernels() (kernels.h).
//
// BestKernels() is SelectKernels(getenv("QUARRY_ISA")), read on every call so
// that tests and benchmarks can change the cap at run time. Call it once when
// an index is built or opened and keep the reference: it is not meant for the
// inner loop.
//
// Thread-safety: pure given the environment (getenv must not race a setenv).
#ifndef QUARRY_VECTOR_KERNELS_KERNEL_DISPATCH_H_
#define QUARRY_VECTOR_KERNELS_KERNEL_DISPATCH_H_

#include <optional>
#include <string_view>

#include "vector/kernels/kernels.h"

namespace quarry::vector {

// "scalar" | "avx2" | "avx512" -> the Isa; anything else -> nullopt.
std::optional<Isa> ParseIsa(std::string_view name);

// The best table the build and the CPU support, but no better than `cap`.
// An empty or unknown cap is no cap. Never fails: scalar is always there.
const Kernels& SelectKernels(std::string_view cap);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_KERNELS_KERNEL_DISPATCH_H_
