// HTML escaping for text that goes into a web page (snippets, titles).
//
// Escapes the five characters that matter in element content and in quoted
// attribute values: & < > " ' (OWASP's rule for HTML contexts). Everything
// else is copied as is, so the input must already be valid UTF-8.
//
// Thread-safety: pure functions.
#ifndef QUARRY_SEARCH_SNIPPET_HTML_H_
#define QUARRY_SEARCH_SNIPPET_HTML_H_

#include <string>
#include <string_view>

namespace quarry::search {

// Appends `text` to *out with & < > " ' replaced by entities.
void AppendHtmlEscaped(std::string_view text, std::string* out);

inline std::string HtmlEscape(std::string_view text) {
  std::string out;
  AppendHtmlEscaped(text, &out);
  return out;
}

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_SNIPPET_HTML_H_
