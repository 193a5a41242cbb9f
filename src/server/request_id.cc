#include "server/request_id.h"

#include <cstdint>

namespace quarry::server {

bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdBytes) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7E) return false;  // controls, space, DEL and non-ASCII
  }
  return true;
}

RequestIdGenerator::RequestIdGenerator() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(),
                     device(), device(), device(), device()};
  rng_.seed(seed);
}

std::string RequestIdGenerator::Next() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (size_t word = 0; word < 2; ++word) {
    uint64_t bits = rng_();
    for (size_t nibble = 0; nibble < 16; ++nibble) {
      id[word * 16 + nibble] = kHex[bits & 0xF];
      bits >>= 4;
    }
  }
  return id;
}

std::string ChooseRequestId(std::string_view client_id, RequestIdGenerator& generator) {
  if (IsAcceptableRequestId(client_id)) return std::string(client_id);
  return generator.Next();
}

}  // namespace quarry::server
