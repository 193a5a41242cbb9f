// SentenceSplitter: sentence boundaries by ICU's rules (UAX #29), as byte spans.
//
// The spans index the caller's UTF-8 directly: ICU walks the text through a
// UTF-8 UText, whose native indexes are byte offsets, so no UTF-16 copy and no
// offset mapping is made (astral characters such as emoji need no special case).
// Each span has its leading and trailing white space (text/whitespace.h)
// removed; pieces holding only white space are dropped. Together the spans
// cover every non-white-space character of the input exactly once, in order.
//
// ICU's rules end a sentence at "." "?" "!" followed by space and a capital,
// and at every line break (LF, CR, NEL, U+2029). Abbreviations are kept
// together by ICU's filtered iterator with CLDR's list for the locale ("Mr.",
// "e.g." ...); for English, a few that CLDR leaves out ("Dr.", "Fig.", "Eq."
// ...) are added.
//
// Thread-safety: not thread-safe; use one splitter per thread. Creating one
// loads ICU rules (about 0.3 ms); copying one clones the iterator (microseconds),
// so keep one and copy it per thread.
#ifndef QUARRY_TEXT_SENTENCE_SPLITTER_H_
#define QUARRY_TEXT_SENTENCE_SPLITTER_H_

#include <memory>
#include <string_view>
#include <vector>

#include "quarry/status.h"
#include "text/span.h"

namespace quarry::text {

class SentenceSplitter {
 public:
  // `locale` is an ICU / BCP 47 locale id ("en", "de", "fr_CA"); "" selects
  // ICU's root rules. A locale without data of its own falls back to root.
  static Result<SentenceSplitter> Create(std::string_view locale = "en");

  // A copy of one English splitter built once per process: building one
  // (ICU's rules plus CLDR's abbreviation list) costs more than splitting a
  // short document, and chunkers and chunk scores want one per use.
  // Thread-safe.
  static Result<SentenceSplitter> English();

  SentenceSplitter(const SentenceSplitter& other);
  SentenceSplitter& operator=(const SentenceSplitter& other);
  SentenceSplitter(SentenceSplitter&& other) noexcept;
  SentenceSplitter& operator=(SentenceSplitter&& other) noexcept;
  ~SentenceSplitter();

  // The sentences of `valid_utf8`, trimmed, in order. If ICU fails (not expected
  // for valid input) the whole trimmed text is returned as one sentence, so the
  // coverage guarantee still holds.
  // REQUIRES: valid UTF-8, under 2 GiB; *this was not moved from.
  std::vector<Span> Split(std::string_view valid_utf8);

 private:
  class Impl;
  explicit SentenceSplitter(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry::text

#endif  // QUARRY_TEXT_SENTENCE_SPLITTER_H_
