// Fast non-cryptographic hashing (XXH3), for feature hashing, content hashes
// and cache keys. Stable across runs and machines: values may be stored.
//
// Thread-safety: pure functions.
#ifndef QUARRY_BASE_HASH_H_
#define QUARRY_BASE_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace quarry {

uint64_t Hash64(std::string_view data, uint64_t seed = 0);

// 128-bit content hash as 32 lowercase hex digits.
std::string ContentHashHex(std::string_view data);

}  // namespace quarry

#endif  // QUARRY_BASE_HASH_H_
