// Fuzz target: values read from the L2 cache (cache/value_codec.h). A shared
// Redis is outside our control, so its bytes are hostile. Whatever decodes
// must encode again to a value that decodes to the same thing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "cache/value_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace quarry;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kKey = "quarry:v1:r:fuzz";
  // Inputs starting with 'P' are payloads: wrapped in a valid envelope (both
  // kinds, raw and compressed), they reach the payload decoders.
  std::string wrapped;
  if (!bytes.empty() && bytes[0] == 'P' && bytes.size() >= 2) {
    const uint32_t kind = 1 + (static_cast<uint8_t>(bytes[1]) & 1);
    const size_t compress_above = (static_cast<uint8_t>(bytes[1]) & 2) ? 0 : SIZE_MAX;
    wrapped = cache::internal::WrapPayload(kind, kKey, std::string(bytes.substr(2)), compress_above);
    bytes = wrapped;
  }
  if (Result<SearchResponse> r = cache::DecodeSearchResponse(bytes, kKey); r.ok()) {
    const std::string again = cache::EncodeSearchResponse(*r, kKey);
    Result<SearchResponse> back = cache::DecodeSearchResponse(again, kKey);
    QUARRY_CHECK(back.ok() && back->hits.size() == r->hits.size() &&
                     back->state_digest == r->state_digest,
                 "a decoded value re-encodes to an equal value");
  }
  if (Result<std::vector<float>> v = cache::DecodeEmbedding(bytes, kKey); v.ok()) {
    Result<std::vector<float>> back = cache::DecodeEmbedding(cache::EncodeEmbedding(*v, kKey), kKey);
    QUARRY_CHECK(back.ok() && *back == *v, "a decoded embedding re-encodes to an equal one");
  }
  return 0;
}
