// White space, by the Unicode White_Space property, and trimming of spans.
//
// One definition of "white space" is shared by the sentence splitter, the
// chunker and the coverage guarantees they make ("every non-white-space
// character is in some chunk"). It is Unicode's White_Space property
// (PropList.txt), which has been stable since Unicode 6.3; the set is small, so
// it is tested directly rather than through ICU.
//
// Thread-safety: pure functions.
#ifndef QUARRY_TEXT_WHITESPACE_H_
#define QUARRY_TEXT_WHITESPACE_H_

#include <string>
#include <string_view>

#include "text/span.h"

namespace quarry::text {

// True if `cp` has the Unicode White_Space property (tab, LF, VT, FF, CR, space,
// NEL, NBSP, the U+2000 spaces, line and paragraph separators, ideographic space...).
bool IsWhitespace(char32_t cp);

// `span` without its leading and trailing white space. A span holding only white
// space becomes an empty span at its end.
// REQUIRES: valid_utf8 is valid UTF-8; span lies inside it on code point boundaries.
Span TrimWhitespace(std::string_view valid_utf8, Span span);

// True if `valid_utf8` is empty or holds only white space.
// REQUIRES: valid UTF-8.
bool IsBlank(std::string_view valid_utf8);

// `text` on one line: trimmed, every run of ASCII white space (space, tab,
// CR, LF) made one space. Other bytes, UTF-8 included, are kept as they are.
std::string CollapseAsciiSpaces(std::string_view text);

}  // namespace quarry::text

#endif  // QUARRY_TEXT_WHITESPACE_H_
