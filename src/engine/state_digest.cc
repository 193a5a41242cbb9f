#include "engine/state_digest.h"

#include <random>

#include "base/hash.h"

namespace quarry::engine {

std::string InitialStateDigest(std::string_view config_json, std::string_view embedder_fingerprint,
                               uint32_t dimensions) {
  std::string bytes = "quarry-state/1\n";
  bytes += std::to_string(config_json.size()) + ":" + std::string(config_json) + "\n";
  bytes += std::to_string(embedder_fingerprint.size()) + ":" + std::string(embedder_fingerprint);
  bytes += "\n" + std::to_string(dimensions);
  return ContentHashHex(bytes);
}

std::string NextStateDigest(std::string_view previous, std::string_view record) {
  // The record's own hash first, so the chained input has a fixed shape.
  std::string bytes(previous);
  bytes += ContentHashHex(record);
  return ContentHashHex(bytes);
}

std::string RandomStateDigest() {
  std::random_device device;
  std::string seed;
  for (int i = 0; i < 8; ++i) seed += std::to_string(device()) + ",";
  return ContentHashHex("random:" + seed);
}

}  // namespace quarry::engine
