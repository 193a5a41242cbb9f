// Unicode full case folding (CaseFolding.txt, statuses C and F): the form in
// which words are compared, so that "Straße", "STRASSE" and "strasse" match.
//
// Folding is not lowercasing: it is locale-independent and may change the
// length ("ß" -> "ss", "İ" -> "i̇"). Turkic dotless-i rules are not applied.
//
// Thread-safety: pure functions.
#ifndef QUARRY_TEXT_CASE_FOLD_H_
#define QUARRY_TEXT_CASE_FOLD_H_

#include <string>
#include <string_view>

namespace quarry::text {

// Appends the case-folded form of `valid_utf8` to *out. ASCII input takes a
// fast path that never calls ICU.
// REQUIRES: valid UTF-8.
void AppendCaseFolded(std::string_view valid_utf8, std::string* out);

// The case-folded form of `valid_utf8`.
// REQUIRES: valid UTF-8.
std::string CaseFold(std::string_view valid_utf8);

}  // namespace quarry::text

#endif  // QUARRY_TEXT_CASE_FOLD_H_
