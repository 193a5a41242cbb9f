// LEB128 variable-length integers: 7 bits per byte, low bits first, the high
// bit set on every byte but the last. The postings' doc-id deltas and term
// frequencies are small, so most take one byte.
//
// Thread-safety: pure functions.
#ifndef QUARRY_LEXICAL_VARINT_H_
#define QUARRY_LEXICAL_VARINT_H_

#include <cstdint>
#include <vector>

namespace quarry::lexical {

inline constexpr int kMaxVarint32Bytes = 5;

inline void PutVarint32(uint32_t v, std::vector<uint8_t>* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<uint8_t>(v));
}

// Decodes one value from [*p, end) and advances *p past it. False (and *p
// unspecified) if the bytes end first or the value does not fit in 32 bits.
inline bool GetVarint32(const uint8_t** p, const uint8_t* end, uint32_t* v) {
  uint32_t result = 0;
  for (int shift = 0; shift < 35 && *p < end; shift += 7) {
    const uint32_t byte = *(*p)++;
    if (shift == 28 && byte > 0x0F) return false;  // more than 32 bits
    result |= (byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_VARINT_H_
