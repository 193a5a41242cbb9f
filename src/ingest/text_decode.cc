#include "ingest/text_decode.h"

#include <cstdint>

#include "text/utf8.h"

namespace quarry::ingest {
namespace {

std::string DecodeUtf16(std::string_view bytes, bool big_endian) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  const auto unit_at = [&](size_t i) -> char16_t {
    const auto b0 = static_cast<unsigned char>(bytes[i]);
    const auto b1 = static_cast<unsigned char>(bytes[i + 1]);
    return static_cast<char16_t>(big_endian ? (b0 << 8) | b1 : (b1 << 8) | b0);
  };
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    const char16_t unit = unit_at(i);
    char32_t cp = unit;
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < bytes.size()) {
      const char16_t low = unit_at(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      }
    }
    if (cp == 0) cp = ' ';
    text::AppendUtf8(cp, &out);  // an unpaired surrogate becomes U+FFFD
  }
  if (i < bytes.size()) text::AppendUtf8(text::kReplacementChar, &out);  // odd trailing byte
  return out;
}

// windows-1252 bytes 0x80-0x9F (WHATWG index); the rest is Latin-1, byte =
// code point. The five unassigned bytes map to the C1 controls, as browsers do.
constexpr char16_t kWindows1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::string DecodeWindows1252(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b == 0) {
      out += ' ';
    } else if (b < 0x80) {
      out += c;
    } else if (b < 0xA0) {
      text::AppendUtf8(kWindows1252High[b - 0x80], &out);
    } else {
      text::AppendUtf8(b, &out);
    }
  }
  return out;
}

// Length of the well-formed UTF-8 sequence of two to four bytes that starts
// at s[i], or 0 (Unicode 15 Table 3-7: no overlong forms, no surrogates,
// nothing above U+10FFFF).
size_t WellFormedMultiByteAt(std::string_view s, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char lead = at(0);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < length || at(1) < low || at(1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (at(k) < 0x80 || at(k) > 0xBF) return 0;
  }
  return length;
}

std::string_view Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\n\r\f");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\n\r\f") - begin + 1);
}

}  // namespace

std::optional<TextEncoding> EncodingFromLabel(std::string_view label) {
  std::string lower(Trim(label));
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  static constexpr std::string_view kUtf8[] = {
      "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"};
  static constexpr std::string_view kWindows1252[] = {
      "ansi_x3.4-1968", "ascii",           "cp1252",     "cp819",     "csisolatin1",
      "ibm819",         "iso-8859-1",      "iso-ir-100", "iso8859-1", "iso88591",
      "iso_8859-1",     "iso_8859-1:1987", "l1",         "latin1",    "us-ascii",
      "windows-1252",   "x-cp1252"};
  static constexpr std::string_view kUtf16Le[] = {
      "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"};
  static constexpr std::string_view kUtf16Be[] = {"unicodefffe", "utf-16be"};
  const auto in = [&](const auto& labels) {
    for (const std::string_view l : labels) {
      if (lower == l) return true;
    }
    return false;
  };
  if (in(kUtf8)) return TextEncoding::kUtf8;
  if (in(kWindows1252)) return TextEncoding::kWindows1252;
  if (in(kUtf16Le)) return TextEncoding::kUtf16Le;
  if (in(kUtf16Be)) return TextEncoding::kUtf16Be;
  return std::nullopt;
}

bool LooksLikeLegacy8Bit(std::string_view bytes) {
  bool invalid = false;
  for (size_t i = 0; i < bytes.size();) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
    } else if (WellFormedMultiByteAt(bytes, i) != 0) {
      return false;  // one real UTF-8 character: the file is UTF-8
    } else {
      invalid = true;
      ++i;
    }
  }
  return invalid;
}

std::string DecodeTextBytes(std::string_view bytes, std::optional<TextEncoding> declared) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") return text::SanitizeUtf8(bytes.substr(3));
  if (bytes.substr(0, 2) == "\xFF\xFE") return DecodeUtf16(bytes.substr(2), false);
  if (bytes.substr(0, 2) == "\xFE\xFF") return DecodeUtf16(bytes.substr(2), true);
  if (!declared) {
    return LooksLikeLegacy8Bit(bytes) ? DecodeWindows1252(bytes) : text::SanitizeUtf8(bytes);
  }
  switch (*declared) {
    case TextEncoding::kUtf8:
      break;
    case TextEncoding::kUtf16Le:
      return DecodeUtf16(bytes, false);
    case TextEncoding::kUtf16Be:
      return DecodeUtf16(bytes, true);
    case TextEncoding::kWindows1252:
      return DecodeWindows1252(bytes);
  }
  return text::SanitizeUtf8(bytes);
}

}  // namespace quarry::ingest
