// Fuzzes HTML extraction (the nesting estimate, gumbo, the tree walk) and then
// the chunker over the extracted sections: extraction succeeds or fails with
// ResourceExhausted; its text must be valid UTF-8 without NULs, its sections
// in order inside the text covering every non-white-space byte, and the
// chunker must accept them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/chunker.h"
#include "ingest/html_extract.h"
#include "text/utf8.h"
#include "text/whitespace.h"

namespace {

size_t CountBytes(std::string_view s) { return s.size() / 4 + 1; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace quarry;
  const std::string_view html(reinterpret_cast<const char*>(data), size);
  ingest::HtmlOptions options;
  options.max_depth = 64;  // small limits reach the limit paths
  options.max_text_chars = 1 << 14;
  options.image_alt_text = size % 2 == 0;
  Result<ingest::ExtractedDocument> doc = ingest::ExtractHtml(html, options);
  if (!doc.ok()) {
    if (doc.status().code() != StatusCode::kResourceExhausted) std::abort();
    return 0;
  }
  const std::string& text = doc->text;
  if (!text::IsValidUtf8(text) || text.find('\0') != std::string::npos) std::abort();
  size_t covered = 0;
  for (const DocumentSection& s : doc->sections) {
    if (s.byte_begin < covered || s.byte_end < s.byte_begin || s.byte_end > text.size()) {
      std::abort();
    }
    if (!text::IsBlank(std::string_view(text).substr(covered, s.byte_begin - covered))) {
      std::abort();
    }
    covered = s.byte_end;
  }
  if (!text::IsBlank(std::string_view(text).substr(covered))) std::abort();

  static ingest::Chunker chunker = [] {
    Result<ingest::Chunker> c = ingest::Chunker::Create({16, 32, 0.25}, CountBytes);
    if (!c.ok()) std::abort();
    return std::move(c).value();
  }();
  Result<std::vector<ingest::ChunkPiece>> chunks =
      chunker.Chunk(text, doc->media_type, doc->sections);
  if (!chunks.ok()) std::abort();
  return 0;
}
