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

// A 128-bit digest, for comparing stored strings by value without keeping
// them (a collection compares content hashes this way: 16 bytes per document
// instead of a 32-digit string on the heap). Equal inputs give equal
// digests; unequal ones collide with probability about 2^-128.
struct Digest128 {
  uint64_t high = 0;
  uint64_t low = 0;
  friend bool operator==(const Digest128&, const Digest128&) = default;
};
Digest128 Hash128(std::string_view data);

}  // namespace quarry

#endif  // QUARRY_BASE_HASH_H_
