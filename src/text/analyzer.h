// Analyzer: text to search terms, the one pipeline that keyword indexing and
// keyword queries share (index and query MUST use equal AnalyzerOptions, or
// query terms will not match indexed ones).
//
// The pipeline, per text:
//   1. NFKC normalization (ICU), so that compatibility variants index alike:
//      "ﬁ" -> "fi", full-width "ＤＮＡ" -> "DNA", "²" -> "2".
//   2. Word segmentation by text/word_tokenizer.h (letters, digits and marks;
//      each CJK character a word).
//   3. Full case folding by text/case_fold.h.
//   4. Stopwords (text/stopwords.h) dropped, if enabled and the language has a list.
//   5. Snowball stemming (text/stemmer.h), if enabled; a word whose stem is
//      empty (Porter stems "s" to "") is kept unstemmed: terms are never empty.
// Positions count words before stopword removal, as Lucene's position
// increments do, so a phrase match later can tell "cancer of the lung" from
// "cancer lung". Words longer than kMaxWordBytes are dropped (their position
// still counts): they are hashes, base64 or garbage, never query words.
//
// Thread-safety: NOT thread-safe (it owns a Stemmer, whose libstemmer state is
// mutated by every call, and reuses scratch buffers). Use one Analyzer per
// thread; Clone() makes another with the same options.
#ifndef QUARRY_TEXT_ANALYZER_H_
#define QUARRY_TEXT_ANALYZER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"
#include "text/stemmer.h"
#include "text/stopwords.h"

namespace quarry::text {

struct AnalyzerOptions {
  // A Snowball algorithm name ("english", "porter", "french", ...); it chooses
  // the stemmer and the stopword list.
  std::string language = "english";
  bool remove_stopwords = true;
  bool stem = true;

  friend bool operator==(const AnalyzerOptions&, const AnalyzerOptions&) = default;
};

// One term of an analyzed text.
struct AnalyzedTerm {
  std::string text;       // normalized, folded and stemmed
  uint32_t position = 0;  // ordinal of the word in the text, counting dropped words

  friend bool operator==(const AnalyzedTerm&, const AnalyzedTerm&) = default;
};

class Analyzer {
 public:
  static constexpr size_t kMaxWordBytes = 255;  // Lucene's default max token length

  // InvalidArgument when options.stem is set and libstemmer has no such language.
  static Result<Analyzer> Create(AnalyzerOptions options);

  // Another analyzer with the same options, for another thread.
  Result<Analyzer> Clone() const { return Create(options_); }

  // Clears *out and appends the terms of `text`, in order. Bytes that are not
  // valid UTF-8 are replaced by U+FFFD first (text/utf8.h), so any input is safe.
  void Analyze(std::string_view text, std::vector<AnalyzedTerm>* out);

  // As Analyze, without positions: just the term strings, in order.
  void AnalyzeTerms(std::string_view text, std::vector<std::string>* out);

  const AnalyzerOptions& options() const { return options_; }

 private:
  Analyzer(AnalyzerOptions options, std::optional<Stemmer> stemmer, const StopwordSet* stopwords)
      : options_(std::move(options)), stemmer_(std::move(stemmer)), stopwords_(stopwords) {}

  // Calls emit(term, position) for each term of `text`.
  template <typename Emit>
  void Run(std::string_view text, Emit&& emit);

  AnalyzerOptions options_;
  std::optional<Stemmer> stemmer_;  // empty when stemming is off
  const StopwordSet* stopwords_;    // nullptr when off or no list for the language
  std::string normalized_;          // scratch: the NFKC form of the current text
  std::string folded_;              // scratch: the current folded word
};

// The NFKC form of `valid_utf8` appended to *out; ASCII and already-NFKC text
// is copied without conversion.
// REQUIRES: valid UTF-8, under 2 GiB.
void AppendNfkc(std::string_view valid_utf8, std::string* out);

}  // namespace quarry::text

#endif  // QUARRY_TEXT_ANALYZER_H_
