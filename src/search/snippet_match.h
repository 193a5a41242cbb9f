// QueryTermMatcher: finds the words of a text that a query matches, through
// the collection's analyzer (text/analyzer.h), so a highlight marks exactly
// what keyword search equates: with the English stemmer "runs" and "running"
// both match the query "run"; stopwords never match; case and compatibility
// forms ("ﬁle", "ＤＮＡ") do.
//
// Words are the spans of text/word_tokenizer.h over the ORIGINAL text, so the
// highlight covers the bytes the reader sees. When the text is already in
// NFKC form (almost all text) it is analyzed once and terms map to words by
// position; otherwise each word is analyzed alone (cached per distinct word).
//
// Thread-safety: NOT thread-safe (it owns an Analyzer); one per thread.
#ifndef QUARRY_SEARCH_SNIPPET_MATCH_H_
#define QUARRY_SEARCH_SNIPPET_MATCH_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quarry/status.h"
#include "text/analyzer.h"
#include "text/span.h"

namespace quarry::search {

struct WordMatch {
  text::Span span;    // the word's bytes in the text
  uint32_t term = 0;  // which query term: 0 .. term_count() - 1
};

class QueryTermMatcher {
 public:
  // InvalidArgument when the analyzer options are invalid (an unknown language).
  static Result<QueryTermMatcher> Create(const text::AnalyzerOptions& analyzer);

  // The terms to match: the distinct analyzed terms of `query`.
  void SetQuery(std::string_view query);
  size_t term_count() const { return terms_.size(); }

  // Clears *out, then appends each word of `valid_utf8` whose analyzed form
  // is a query term, in text order.
  // REQUIRES: valid UTF-8, under 4 GiB.
  void FindMatches(std::string_view valid_utf8, std::vector<WordMatch>* out);

  // The word spans of the text last passed to FindMatches.
  const std::vector<text::Span>& words() const { return words_; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using TermMap = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

  explicit QueryTermMatcher(text::Analyzer analyzer) : analyzer_(std::move(analyzer)) {}

  // The query term `term` is, or -1.
  int64_t TermId(std::string_view term) const;

  text::Analyzer analyzer_;
  TermMap terms_;
  std::vector<text::Span> words_;
  std::vector<text::AnalyzedTerm> analyzed_;  // scratch
  std::vector<std::string> word_terms_;       // scratch
  std::string normalized_;                    // scratch
};

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_SNIPPET_MATCH_H_
