#include "server/percent_decoding.h"

#include <cstdint>

namespace quarry::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= encoded.size()) {
      return Status::InvalidArgument("truncated percent escape at byte " + std::to_string(i));
    }
    int hi = HexValue(encoded[i + 1]);
    int lo = HexValue(encoded[i + 2]);
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument("invalid percent escape at byte " + std::to_string(i) +
                                     " (expected two hex digits after '%')");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  if (!IsValidUtf8(out)) return Status::InvalidArgument("decoded path segment is not valid UTF-8");
  return out;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto b0 = static_cast<uint8_t>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((b0 & 0xE0) == 0xC0) {
      len = 2;
      cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3;
      cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4;
      cp = b0 & 0x07;
    } else {
      return false;  // a continuation byte first, or 0xF8..0xFF
    }
    if (i + len > n) return false;
    for (size_t j = 1; j < len; ++j) {
      const auto b = static_cast<uint8_t>(s[i + j]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr uint32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len]) return false;       // overlong
    if (cp > 0x10FFFF) return false;                 // beyond Unicode
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // UTF-16 surrogate
    i += len;
  }
  return true;
}

}  // namespace quarry::server
