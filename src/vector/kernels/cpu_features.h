// What the CPU this process runs on can execute, as far as the kernels care.
//
// A SIMD feature counts only when the CPU reports it (cpuid) *and* the
// operating system saves the matching register state on context switches
// (XCR0 via xgetbv): a kernel that uses zmm registers the OS does not save
// would corrupt other threads' values.
//
// Thread-safety: DetectCpuFeatures() is pure; HostCpuFeatures() is computed
// once (thread-safe static initialization) and immutable afterwards.
#ifndef QUARRY_VECTOR_KERNELS_CPU_FEATURES_H_
#define QUARRY_VECTOR_KERNELS_CPU_FEATURES_H_

#include <string>

namespace quarry::vector {

struct CpuFeatures {
  bool popcnt = false;
  bool avx2 = false;
  bool fma = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512dq = false;
  bool avx512vnni = false;
  bool avx512vpopcntdq = false;

  // Everything kernels_avx2.cc needs: AVX2, FMA, POPCNT.
  bool CanRunAvx2() const { return avx2 && fma && popcnt; }
  // Everything kernels_avx512.cc needs (it is compiled with these flags).
  bool CanRunAvx512() const {
    return CanRunAvx2() && avx512f && avx512bw && avx512vl && avx512dq && avx512vnni &&
           avx512vpopcntdq;
  }
};

// Runs cpuid and xgetbv. All false on CPUs other than x86.
CpuFeatures DetectCpuFeatures();

// DetectCpuFeatures() of this machine, computed once: cpuid is slow under a
// hypervisor (it traps), and the answer cannot change while we run.
const CpuFeatures& HostCpuFeatures();

// "avx2 fma popcnt avx512f ..." : the features that are present, for logs.
std::string DescribeCpuFeatures(const CpuFeatures& features);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_KERNELS_CPU_FEATURES_H_
