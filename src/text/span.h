// Span: a half-open range of byte offsets into a UTF-8 text.
//
// Spans are how text/ and ingest/ point into a document without copying it.
// Offsets are 32-bit: callers keep texts under 4 GiB (documents are capped far
// below that at ingestion).
//
// Thread-safety: plain value.
#ifndef QUARRY_TEXT_SPAN_H_
#define QUARRY_TEXT_SPAN_H_

#include <cstdint>
#include <string_view>

namespace quarry::text {

struct Span {
  uint32_t begin = 0;  // first byte
  uint32_t end = 0;    // one past the last byte

  uint32_t size() const { return end - begin; }
  bool empty() const { return begin == end; }

  friend bool operator==(const Span&, const Span&) = default;
};

// The bytes of `text` that `span` covers.
// REQUIRES: span.begin <= span.end <= text.size().
inline std::string_view SpanText(std::string_view text, Span span) {
  return text.substr(span.begin, span.end - span.begin);
}

}  // namespace quarry::text

#endif  // QUARRY_TEXT_SPAN_H_
