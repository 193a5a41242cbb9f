#include "text/whitespace.h"

#include "text/utf8.h"

namespace quarry::text {

bool IsWhitespace(char32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
  switch (cp) {
    case 0x0085:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

Span TrimWhitespace(std::string_view valid_utf8, Span span) {
  size_t begin = span.begin;
  while (begin < span.end) {
    size_t next = begin;
    if (!IsWhitespace(DecodeCodePoint(valid_utf8, &next))) break;
    begin = next;
  }
  size_t end = span.end;
  while (end > begin) {
    size_t start = end - 1;
    while (start > begin && IsContinuationByte(valid_utf8[start])) --start;
    size_t probe = start;
    if (!IsWhitespace(DecodeCodePoint(valid_utf8, &probe))) break;
    end = start;
  }
  if (begin == end) return Span{span.end, span.end};
  return Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
}

bool IsBlank(std::string_view valid_utf8) {
  size_t pos = 0;
  while (pos < valid_utf8.size()) {
    if (!IsWhitespace(DecodeCodePoint(valid_utf8, &pos))) return false;
  }
  return true;
}

std::string CollapseAsciiSpaces(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace quarry::text
