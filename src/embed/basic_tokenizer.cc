#include "embed/basic_tokenizer.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

namespace quarry::embed {
namespace {

bool IsControl(UChar32 c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  switch (u_charType(c)) {
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
    case U_PRIVATE_USE_CHAR:
    case U_SURROGATE:
    case U_UNASSIGNED:
      return true;
    default:
      return false;
  }
}

bool IsBertWhitespace(UChar32 c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || u_charType(c) == U_SPACE_SEPARATOR;
}

// Python's str.isspace(), which str.split() splits on.
bool IsPythonSpace(UChar32 c) {
  switch (c) {
    case 9: case 10: case 11: case 12: case 13: case 28: case 29: case 30: case 31:
    case 32: case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

bool IsPunctuation(UChar32 c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
      (c >= 123 && c <= 126)) {
    return true;
  }
  switch (u_charType(c)) {
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
      return true;
    default:
      return false;
  }
}

// The CJK Unified Ideographs blocks BERT isolates (not Hiragana, Katakana or
// Hangul, which are written with spaces or are split by WordPiece anyway).
bool IsCjk(UChar32 c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::vector<icu::UnicodeString> SplitPythonSpace(const icu::UnicodeString& s) {
  std::vector<icu::UnicodeString> words;
  icu::UnicodeString current;
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
    UChar32 c = s.char32At(i);
    if (IsPythonSpace(c)) {
      if (!current.isEmpty()) words.push_back(current);
      current.remove();
    } else {
      current.append(c);
    }
  }
  if (!current.isEmpty()) words.push_back(current);
  return words;
}

void StripMarks(const icu::Normalizer2& nfd, icu::UnicodeString* word) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString decomposed = nfd.normalize(*word, status);
  if (U_FAILURE(status)) return;  // only on allocation failure: keep the word
  icu::UnicodeString out;
  for (int32_t i = 0; i < decomposed.length(); i = decomposed.moveIndex32(i, 1)) {
    UChar32 c = decomposed.char32At(i);
    if (u_charType(c) != U_NON_SPACING_MARK) out.append(c);
  }
  *word = out;
}

}  // namespace

std::vector<std::u32string> BasicTokenizer::Split(std::string_view text) const {
  icu::UnicodeString input = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));

  icu::UnicodeString prepared;
  for (int32_t i = 0; i < input.length(); i = input.moveIndex32(i, 1)) {
    UChar32 c = input.char32At(i);
    if (options_.clean_text) {
      if (c == 0 || c == 0xFFFD || IsControl(c)) continue;
      if (IsBertWhitespace(c)) c = ' ';
    }
    if (options_.split_cjk && IsCjk(c)) {
      prepared.append(UChar32{' '}).append(c).append(UChar32{' '});
    } else {
      prepared.append(c);
    }
  }

  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_SUCCESS(status)) {
    icu::UnicodeString composed = nfc->normalize(prepared, status);
    if (U_SUCCESS(status)) prepared = composed;
  }

  const bool strip = options_.strip_accents.value_or(options_.lowercase);
  std::vector<std::u32string> words;
  for (icu::UnicodeString& word : SplitPythonSpace(prepared)) {
    if (options_.lowercase) word.toLower(icu::Locale::getRoot());
    if (strip && nfd != nullptr) StripMarks(*nfd, &word);
    // Lowercasing and decomposition never produce white space in practice,
    // but HF re-splits on it, so do the same.
    for (const icu::UnicodeString& part : SplitPythonSpace(word)) {
      std::u32string current;
      for (int32_t i = 0; i < part.length(); i = part.moveIndex32(i, 1)) {
        UChar32 c = part.char32At(i);
        if (IsPunctuation(c)) {
          if (!current.empty()) words.push_back(std::move(current));
          current.clear();
          words.push_back(std::u32string(1, static_cast<char32_t>(c)));
        } else {
          current.push_back(static_cast<char32_t>(c));
        }
      }
      if (!current.empty()) words.push_back(std::move(current));
    }
  }
  return words;
}

}  // namespace quarry::embed
