// UTF-8 validation, repair and decoding: the one place that knows the encoding rules.
//
// Quarry keeps all text as UTF-8 in std::string. Bytes from outside (files,
// HTTP bodies) go through SanitizeUtf8 once, at the edge; code after that may
// assume valid UTF-8 and uses the cheaper functions below that REQUIRE it.
// "Valid" is the strict definition of Unicode 15 §3.9 (Table 3-7): no overlong
// forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
//
// Thread-safety: pure functions.
#ifndef QUARRY_TEXT_UTF8_H_
#define QUARRY_TEXT_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace quarry::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Returns valid UTF-8 for any input. Each maximal ill-formed subpart (an invalid
// byte, a truncated sequence, an overlong form, an encoded surrogate) becomes one
// U+FFFD, as the Unicode standard recommends and browsers do. NUL bytes become
// spaces, so that no C API downstream ever sees a premature terminator.
std::string SanitizeUtf8(std::string_view in);

// True if `in` is valid UTF-8 (NUL bytes are valid).
bool IsValidUtf8(std::string_view in);

// Number of code points.
// REQUIRES: valid_utf8 is valid UTF-8.
size_t CountCodePoints(std::string_view valid_utf8);

// Decodes the code point starting at *pos and advances *pos past it.
// REQUIRES: s is valid UTF-8 and *pos < s.size() is at a code point boundary.
char32_t DecodeCodePoint(std::string_view s, size_t* pos);

// Appends the UTF-8 encoding of `cp`; surrogates and values above U+10FFFF are
// appended as U+FFFD.
void AppendUtf8(char32_t cp, std::string* out);

// True if `byte` does not start a code point (it is a 10xxxxxx continuation byte).
inline bool IsContinuationByte(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

}  // namespace quarry::text

#endif  // QUARRY_TEXT_UTF8_H_
