// Snippets: a short, highlighted excerpt of a hit's text for a web page.
//
// Given a chunk's text and the query, Make() returns HTML: the text is
// escaped (snippet_html.h), the words the query matches are wrapped in
// pre_tag / post_tag (default <mark>…</mark>), and only a window of about
// window_chars characters (code points) is kept, placed over the densest
// region of matches:
//   1. Matching goes through the collection's analyzer (snippet_match.h):
//      whatever keyword search equates (stems, case, NFKC forms) highlights.
//   2. The window is the one that covers the most distinct query terms, then
//      the most matches, the earliest on ties; the context left over is split
//      evenly before and after it. A window edge that falls inside a word
//      moves out of that word (the word is dropped, never cut), and an
//      ellipsis marks each side where text was left out.
//   3. Text without matches gives its beginning.
// Every cut is at a code point boundary. Invalid UTF-8 is repaired first
// (each bad sequence becomes U+FFFD), so any bytes are safe input. Only the
// first kMaxScanBytes of a text are looked at (chunks are far smaller; this
// bounds the cost of a hostile one).
//
// The tags are inserted verbatim (they are markup); they come from the
// collection's or the request's options, are limited in length, and the
// engine decides who may set them.
//
// Thread-safety: NOT thread-safe (it owns an analyzer); one per thread or
// per query.
#ifndef QUARRY_SEARCH_SNIPPET_H_
#define QUARRY_SEARCH_SNIPPET_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"
#include "search/snippet_match.h"
#include "text/analyzer.h"

namespace quarry::search {

struct SnippetOptions {
  static constexpr size_t kMaxWindowChars = 100'000;
  static constexpr size_t kMaxTagBytes = 64;
  static constexpr size_t kMaxScanBytes = 256 * 1024;

  // About how many characters of text to show; 0 shows all of it (up to
  // kMaxScanBytes), highlighted.
  size_t window_chars = 200;
  std::string pre_tag = "<mark>";
  std::string post_tag = "</mark>";
  std::string ellipsis = "\u2026";  // "…", added where text was left out
};

// InvalidArgument naming the bad option (window over kMaxWindowChars, a tag
// or the ellipsis over kMaxTagBytes or not valid UTF-8).
Status ValidateSnippetOptions(const SnippetOptions& options);

struct Snippet {
  std::string html;
  size_t highlights = 0;      // words wrapped in tags
  size_t distinct_terms = 0;  // distinct query terms among them
};

class SnippetMaker {
 public:
  // InvalidArgument for bad options or analyzer options.
  static Result<SnippetMaker> Create(const text::AnalyzerOptions& analyzer, SnippetOptions options);

  // Sets the query whose terms Make() highlights.
  void SetQuery(std::string_view query) { matcher_.SetQuery(query); }

  // The snippet of `text` (any bytes).
  Snippet Make(std::string_view text);

  const SnippetOptions& options() const { return options_; }

 private:
  SnippetMaker(QueryTermMatcher matcher, SnippetOptions options)
      : matcher_(std::move(matcher)), options_(std::move(options)) {}

  QueryTermMatcher matcher_;
  SnippetOptions options_;
  std::vector<WordMatch> matches_;  // scratch
};

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_SNIPPET_H_
