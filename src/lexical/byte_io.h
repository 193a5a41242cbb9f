// Little-endian fixed-width loads and stores for the postings format. Loads
// go through memcpy, so they are valid at any alignment and compile to plain
// moves. Quarry's formats are little-endian and so is every target it builds
// for; the static_assert keeps a big-endian port from reading garbage.
//
// Thread-safety: pure functions.
#ifndef QUARRY_LEXICAL_BYTE_IO_H_
#define QUARRY_LEXICAL_BYTE_IO_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

namespace quarry::lexical {

static_assert(std::endian::native == std::endian::little, "the postings format is little-endian");

inline uint32_t LoadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline uint64_t LoadU64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void StoreU32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, sizeof v); }
inline void StoreU64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, sizeof v); }
inline void AppendU32(std::vector<uint8_t>* out, uint32_t v) {
  const size_t at = out->size();
  out->resize(at + sizeof v);
  StoreU32(out->data() + at, v);
}
inline void AppendU64(std::vector<uint8_t>* out, uint64_t v) {
  const size_t at = out->size();
  out->resize(at + sizeof v);
  StoreU64(out->data() + at, v);
}

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_BYTE_IO_H_
