// Fuzzes byte-to-text decoding (BOMs, UTF-16, invalid UTF-8, windows-1252) and the lexical
// embedder on the result: the text must come out as valid UTF-8 and the
// vector finite and normalized (or zero).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "embed/lexical_embedder.h"
#include "ingest/text_decode.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = quarry::ingest::DecodeTextBytes(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (!quarry::text::IsValidUtf8(text)) std::abort();
  const std::string latin = quarry::ingest::DecodeTextBytes(
      std::string_view(reinterpret_cast<const char*>(data), size),
      quarry::ingest::TextEncoding::kWindows1252);
  if (!quarry::text::IsValidUtf8(latin)) std::abort();
  static const quarry::embed::LexicalEmbedder embedder(64);
  std::vector<float> v(64);
  embedder.EmbedOne(text, v);
  double norm = 0;
  for (float x : v) {
    if (!std::isfinite(x)) std::abort();
    norm += static_cast<double>(x) * x;
  }
  if (norm != 0 && std::abs(norm - 1.0) > 1e-3) std::abort();
  return 0;
}
