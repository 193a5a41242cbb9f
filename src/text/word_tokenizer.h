// Words: the unit of keyword search, of folding and of last-resort chunk splits.
//
// A word is a maximal run of letters, digits and combining marks (Unicode
// general categories L*, N*, M*), with two refinements:
//   - A combining mark continues a word but never begins one, so a variation
//     selector after an emoji ("❤️") or a stray accent makes no word.
//   - Each Han ideograph, Hiragana or Katakana character and each precomposed
//     Hangul syllable is a word by itself (with any marks that follow it), as
//     BERT's basic tokenizer does for CJK: these scripts do not separate words
//     with spaces, and per-character terms are a standard baseline for them.
// Everything else (space, punctuation including '_' and '\'', symbols, emoji)
// separates words. ASCII bytes are classified by a table without calling ICU.
//
// Thread-safety: pure functions.
#ifndef QUARRY_TEXT_WORD_TOKENIZER_H_
#define QUARRY_TEXT_WORD_TOKENIZER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "text/span.h"

namespace quarry::text {

// Byte spans of the words of `valid_utf8`, in order.
// REQUIRES: valid UTF-8, under 4 GiB.
std::vector<Span> WordSpans(std::string_view valid_utf8);

// == WordSpans(valid_utf8).size(), without allocating.
// REQUIRES: valid UTF-8.
size_t CountWords(std::string_view valid_utf8);

// Clears *out, then appends the case-folded form (text/case_fold.h) of each word.
// REQUIRES: valid UTF-8, under 4 GiB.
void FoldedWords(std::string_view valid_utf8, std::vector<std::string>* out);

}  // namespace quarry::text

#endif  // QUARRY_TEXT_WORD_TOKENIZER_H_
