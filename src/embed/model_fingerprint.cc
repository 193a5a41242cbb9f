#include "embed/model_fingerprint.h"

#include <filesystem>

#include "base/hash.h"

namespace quarry::embed {

std::string ModelFolderId(const std::string& dir) {
  const std::filesystem::path path = std::filesystem::path(dir).lexically_normal();
  std::string id = path.filename().string();
  if (id.empty()) id = path.parent_path().filename().string();
  return id;
}

std::string WeightsHash16(const SafetensorsFile& weights) {
  std::span<const uint8_t> bytes = weights.bytes();
  return ContentHashHex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()))
      .substr(0, 16);
}

}  // namespace quarry::embed
