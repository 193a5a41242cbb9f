// CRC-32C (Castagnoli), the checksum of every Quarry file and record.
//
// Thread-safety: pure functions.
#ifndef QUARRY_BASE_CRC32C_H_
#define QUARRY_BASE_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace quarry::crc32c {

// Extends `crc` (the CRC of some prefix, 0 for none) with `n` more bytes.
uint32_t Extend(uint32_t crc, const void* data, size_t n);

inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

}  // namespace quarry::crc32c

#endif  // QUARRY_BASE_CRC32C_H_
