#include "text/utf8.h"

#include <cstdint>
#include <cstring>

namespace quarry::text {
namespace {

// The outcome of decoding at one position of arbitrary bytes.
struct Decoded {
  char32_t cp;
  size_t length;  // bytes consumed; for an invalid sequence, its maximal ill-formed subpart
  bool valid;
};

// Decodes one sequence by Table 3-7 of the Unicode standard. The second byte's
// range depends on the lead byte; that single rule excludes overlong forms,
// surrogates and values above U+10FFFF.
// REQUIRES: n >= 1.
Decoded DecodeAny(const unsigned char* p, size_t n) {
  const unsigned b0 = p[0];
  if (b0 < 0x80) return {b0, 1, true};
  size_t need;
  char32_t cp;
  unsigned lo = 0x80;
  unsigned hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // below: overlong
    if (b0 == 0xED) hi = 0x9F;  // above: surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // below: overlong
    if (b0 == 0xF4) hi = 0x8F;  // above: > U+10FFFF
  } else {
    return {kReplacementChar, 1, false};  // 80..C1 and F5..FF never start a sequence
  }
  for (size_t i = 1; i <= need; ++i) {
    if (i >= n || p[i] < lo || p[i] > hi) return {kReplacementChar, i, false};
    cp = (cp << 6) | (p[i] & 0x3F);
    lo = 0x80;
    hi = 0xBF;
  }
  return {cp, need + 1, true};
}

// Length of the run of ASCII bytes starting at p[0], checking 8 bytes at a time.
size_t AsciiPrefix(const unsigned char* p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    if (word & 0x8080808080808080ull) break;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

constexpr char kReplacementUtf8[] = "\xEF\xBF\xBD";

}  // namespace

std::string SanitizeUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    const size_t run = AsciiPrefix(p + i, n - i);
    if (run > 0) {
      const size_t start = out.size();
      out.append(in.data() + i, run);
      // NULs are rare; a scan of what was just appended keeps the fast path simple.
      for (size_t j = start; j < out.size(); ++j) {
        if (out[j] == '\0') out[j] = ' ';
      }
      i += run;
      continue;
    }
    const Decoded d = DecodeAny(p + i, n - i);
    if (d.valid) {
      out.append(in.data() + i, d.length);
    } else {
      out.append(kReplacementUtf8, 3);
    }
    i += d.length;
  }
  return out;
}

bool IsValidUtf8(std::string_view in) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    i += AsciiPrefix(p + i, n - i);
    if (i >= n) break;
    const Decoded d = DecodeAny(p + i, n - i);
    if (!d.valid) return false;
    i += d.length;
  }
  return true;
}

size_t CountCodePoints(std::string_view valid_utf8) {
  size_t count = 0;
  for (char c : valid_utf8) count += !IsContinuationByte(c);
  return count;
}

char32_t DecodeCodePoint(std::string_view s, size_t* pos) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + *pos;
  const unsigned b0 = p[0];
  if (b0 < 0x80) {
    *pos += 1;
    return b0;
  }
  if (b0 < 0xE0) {
    *pos += 2;
    return ((b0 & 0x1F) << 6) | (p[1] & 0x3F);
  }
  if (b0 < 0xF0) {
    *pos += 3;
    return ((b0 & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
  }
  *pos += 4;
  return ((b0 & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacementChar;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace quarry::text
