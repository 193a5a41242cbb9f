#include "text/word_tokenizer.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <array>
#include <cstdint>

#include "text/case_fold.h"
#include "text/utf8.h"

namespace quarry::text {
namespace {

enum class CharClass : uint8_t {
  kSeparator,  // ends a word
  kWordChar,   // begins or continues a word
  kMark,       // continues a word; begins none
  kSingleton,  // a word by itself (CJK), with the marks that follow it
};

constexpr std::array<CharClass, 128> MakeAsciiTable() {
  std::array<CharClass, 128> table{};
  for (int c = 0; c < 128; ++c) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    table[c] = alnum ? CharClass::kWordChar : CharClass::kSeparator;
  }
  return table;
}
constexpr std::array<CharClass, 128> kAsciiClass = MakeAsciiTable();

bool IsCjkScript(UScriptCode script) {
  return script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA;
}

// REQUIRES: cp is a letter or number (L* or N*).
bool IsSingleton(char32_t cp) {
  if (cp >= 0xAC00 && cp <= 0xD7A3) return true;  // exactly the precomposed Hangul syllables
  if (cp < 0x2E80) return false;                  // nothing below is Han, Hiragana or Katakana
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &status);
  if (U_FAILURE(status)) return false;
  if (IsCjkScript(script)) return true;
  // Shared characters such as the prolonged sound mark "ー" (Common script)
  // belong to these scripts through their Script_Extensions.
  if (script == USCRIPT_COMMON || script == USCRIPT_INHERITED) {
    const auto c = static_cast<UChar32>(cp);
    return uscript_hasScript(c, USCRIPT_HAN) || uscript_hasScript(c, USCRIPT_HIRAGANA) ||
           uscript_hasScript(c, USCRIPT_KATAKANA);
  }
  return false;
}

CharClass ClassifyNonAscii(char32_t cp) {
  const uint32_t mask = U_GET_GC_MASK(static_cast<UChar32>(cp));
  if (mask & (U_GC_L_MASK | U_GC_N_MASK)) {
    return IsSingleton(cp) ? CharClass::kSingleton : CharClass::kWordChar;
  }
  if (mask & U_GC_M_MASK) return CharClass::kMark;
  return CharClass::kSeparator;
}

// Calls emit(begin, end) for each word of `s`, in order.
template <typename Emit>
void ScanWords(std::string_view s, Emit&& emit) {
  enum class State { kOutside, kRun, kSingleton };
  State state = State::kOutside;
  size_t start = 0;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto byte = static_cast<unsigned char>(s[i]);
    const size_t at = i;
    CharClass cls;
    if (byte < 0x80) {
      cls = kAsciiClass[byte];
      ++i;
    } else {
      cls = ClassifyNonAscii(DecodeCodePoint(s, &i));
    }
    switch (cls) {
      case CharClass::kWordChar:
        if (state == State::kSingleton) emit(start, at);
        if (state != State::kRun) {
          start = at;
          state = State::kRun;
        }
        break;
      case CharClass::kSingleton:
        if (state != State::kOutside) emit(start, at);
        start = at;
        state = State::kSingleton;
        break;
      case CharClass::kMark:
        break;  // continues whatever is open; opens nothing
      case CharClass::kSeparator:
        if (state != State::kOutside) emit(start, at);
        state = State::kOutside;
        break;
    }
  }
  if (state != State::kOutside) emit(start, n);
}

}  // namespace

std::vector<Span> WordSpans(std::string_view valid_utf8) {
  std::vector<Span> spans;
  ScanWords(valid_utf8, [&](size_t begin, size_t end) {
    spans.push_back(Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
  });
  return spans;
}

size_t CountWords(std::string_view valid_utf8) {
  size_t count = 0;
  ScanWords(valid_utf8, [&](size_t, size_t) { ++count; });
  return count;
}

void FoldedWords(std::string_view valid_utf8, std::vector<std::string>* out) {
  out->clear();
  ScanWords(valid_utf8, [&](size_t begin, size_t end) {
    std::string& word = out->emplace_back();
    AppendCaseFolded(valid_utf8.substr(begin, end - begin), &word);
  });
}

}  // namespace quarry::text
