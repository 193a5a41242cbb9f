// Fuzzes the safetensors header validation: whatever the bytes, ParseHeader
// either refuses them or returns tensors whose bytes lie inside the file,
// match shape x dtype size and do not overlap.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "embed/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using quarry::embed::SafetensorsFile;
  auto tensors = SafetensorsFile::ParseHeader(std::span(data, size), nullptr);
  if (!tensors.ok()) return 0;
  uint64_t header = 0;
  for (int i = 7; i >= 0; --i) header = (header << 8) | data[i];
  const uint64_t data_size = size - 8 - header;
  for (const auto& t : *tensors) {
    if (t.begin > t.end || t.end > data_size ||
        t.end - t.begin != t.elements() * quarry::embed::DTypeSize(t.dtype)) {
      std::abort();  // the parser accepted an out-of-bounds or mis-sized tensor
    }
  }
  return 0;
}
