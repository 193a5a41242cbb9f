// CRC-32C with the SSE4.2 `crc32` instruction (compiled with -msse4.2 only
// for this file; called only when the CPU reports SSE4.2). It computes the
// same reflected Castagnoli CRC as the portable tables, 8 bytes per
// instruction.
#include <nmmintrin.h>

#include <cstring>

#include "base/crc32c_internal.h"

namespace quarry::crc32c::internal {

uint32_t ExtendSse42(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t c = ~crc;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c = _mm_crc32_u64(c, word);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n-- > 0) c32 = _mm_crc32_u8(c32, *p++);
  return ~c32;
}

}  // namespace quarry::crc32c::internal
