// The two implementations behind crc32c::Extend, exposed for tests that
// compare them: the portable slicing-by-8 reference (always built) and the
// SSE4.2 `crc32` instruction (x86-64 only; chosen once at run time when the
// CPU has it, unless QUARRY_ISA=scalar).
//
// Thread-safety: pure functions.
#ifndef QUARRY_BASE_CRC32C_INTERNAL_H_
#define QUARRY_BASE_CRC32C_INTERNAL_H_

#include <cstddef>
#include <cstdint>

namespace quarry::crc32c::internal {

uint32_t ExtendPortable(uint32_t crc, const void* data, size_t n);
// ExtendSse42 runs three chains over lanes of this many bytes each, from
// inputs of three lanes on.
inline constexpr size_t kSse42LaneBytes = 32768;
// REQUIRES: HardwareAvailable().
uint32_t ExtendSse42(uint32_t crc, const void* data, size_t n);
bool HardwareAvailable();

}  // namespace quarry::crc32c::internal

#endif  // QUARRY_BASE_CRC32C_INTERNAL_H_
