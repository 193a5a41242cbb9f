#include "vector/kernels/cpu_features.h"

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define QUARRY_KERNELS_X86 1
#endif

namespace quarry::vector {
namespace {

#ifdef QUARRY_KERNELS_X86

// cpuid.1:ECX
constexpr uint32_t kOsxsaveBit = 1u << 27;
constexpr uint32_t kAvxBit = 1u << 28;
constexpr uint32_t kFmaBit = 1u << 12;
constexpr uint32_t kPopcntBit = 1u << 23;
// cpuid.7.0:EBX
constexpr uint32_t kAvx2Bit = 1u << 5;
constexpr uint32_t kAvx512fBit = 1u << 16;
constexpr uint32_t kAvx512dqBit = 1u << 17;
constexpr uint32_t kAvx512bwBit = 1u << 30;
constexpr uint32_t kAvx512vlBit = 1u << 31;
// cpuid.7.0:ECX
constexpr uint32_t kAvx512vnniBit = 1u << 11;
constexpr uint32_t kAvx512vpopcntdqBit = 1u << 14;
// XCR0: which register state the OS saves.
constexpr uint64_t kXcr0SseAvx = 0x6;   // XMM and upper YMM halves
constexpr uint64_t kXcr0Avx512 = 0xE0;  // opmask, upper ZMM halves, ZMM16-31

// xgetbv as inline assembly: the _xgetbv intrinsic needs -mxsave, and this
// file is compiled for the baseline CPU. REQUIRES: OSXSAVE is set.
uint64_t ReadXcr0() {
  uint32_t eax = 0;
  uint32_t edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

#endif  // QUARRY_KERNELS_X86

}  // namespace

CpuFeatures DetectCpuFeatures() {
  CpuFeatures f;
#ifdef QUARRY_KERNELS_X86
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  f.popcnt = (ecx & kPopcntBit) != 0;
  const bool cpu_avx = (ecx & kAvxBit) != 0;
  const bool cpu_fma = (ecx & kFmaBit) != 0;
  const bool osxsave = (ecx & kOsxsaveBit) != 0;
  const uint64_t xcr0 = osxsave ? ReadXcr0() : 0;
  const bool os_ymm = (xcr0 & kXcr0SseAvx) == kXcr0SseAvx;
  const bool os_zmm = os_ymm && (xcr0 & kXcr0Avx512) == kXcr0Avx512;

  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  if (cpu_avx && os_ymm) {
    f.avx2 = (ebx & kAvx2Bit) != 0;
    f.fma = cpu_fma;
  }
  if (os_zmm) {
    f.avx512f = (ebx & kAvx512fBit) != 0;
    f.avx512dq = (ebx & kAvx512dqBit) != 0;
    f.avx512bw = (ebx & kAvx512bwBit) != 0;
    f.avx512vl = (ebx & kAvx512vlBit) != 0;
    f.avx512vnni = (ecx & kAvx512vnniBit) != 0;
    f.avx512vpopcntdq = (ecx & kAvx512vpopcntdqBit) != 0;
  }
#endif
  return f;
}

const CpuFeatures& HostCpuFeatures() {
  static const CpuFeatures features = DetectCpuFeatures();
  return features;
}

std::string DescribeCpuFeatures(const CpuFeatures& f) {
  struct Named {
    bool present;
    const char* name;
  };
  const Named all[] = {{f.popcnt, "popcnt"},
                       {f.avx2, "avx2"},
                       {f.fma, "fma"},
                       {f.avx512f, "avx512f"},
                       {f.avx512bw, "avx512bw"},
                       {f.avx512vl, "avx512vl"},
                       {f.avx512dq, "avx512dq"},
                       {f.avx512vnni, "avx512vnni"},
                       {f.avx512vpopcntdq, "avx512vpopcntdq"}};
  std::string out;
  for (const Named& n : all) {
    if (!n.present) continue;
    if (!out.empty()) out += ' ';
    out += n.name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace quarry::vector
