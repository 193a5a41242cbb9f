// Fuzzes the parser of a remote embedding service's answer: whatever the
// bytes, ParseEmbeddingsResponse either refuses them or fills every row with
// finite float32 values (the width and count are drawn from the first bytes).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "embed/openai_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t count = data[0] % 4 + 1;
  const uint32_t dimensions = data[1] % 8 + 1;
  const std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);
  std::vector<float> out(count * dimensions, NAN);
  if (!quarry::embed::ParseEmbeddingsResponse(body, count, dimensions, out).ok()) return 0;
  for (float v : out) {
    if (!std::isfinite(v)) std::abort();  // accepted, yet a row was left unwritten or is not finite
  }
  (void)quarry::embed::ServiceErrorMessage(body, 64);
  return 0;
}
