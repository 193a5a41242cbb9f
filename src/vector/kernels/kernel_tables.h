// The per-instruction-set tables, one defined in each kernels_<isa>.cc.
//
// Private to this folder: only kernel_dispatch.cc calls these, after checking
// that the CPU runs the instructions, and only for the files the build
// compiled (QUARRY_KERNELS_HAVE_<ISA>). Everyone else asks Avx2Kernels(),
// Avx512Kernels() or BestKernels() (kernels.h).
//
// Thread-safety: the tables are constants.
#ifndef QUARRY_VECTOR_KERNELS_KERNEL_TABLES_H_
#define QUARRY_VECTOR_KERNELS_KERNEL_TABLES_H_

#include "vector/kernels/kernels.h"

namespace quarry::vector::internal {

// REQUIRES: HostCpuFeatures().CanRunAvx2(); calling a kernel otherwise faults.
const Kernels& Avx2Table();
// REQUIRES: HostCpuFeatures().CanRunAvx512().
const Kernels& Avx512Table();

}  // namespace quarry::vector::internal

#endif  // QUARRY_VECTOR_KERNELS_KERNEL_TABLES_H_
