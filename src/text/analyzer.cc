#include "text/analyzer.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include <utility>

#include "text/case_fold.h"
#include "text/span.h"
#include "text/utf8.h"
#include "text/word_tokenizer.h"

namespace quarry::text {
namespace {

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

void AppendNfkc(std::string_view valid_utf8, std::string* out) {
  if (IsAscii(valid_utf8)) {  // ASCII is its own NFKC form
    out->append(valid_utf8);
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  const icu::StringPiece piece(valid_utf8.data(), static_cast<int32_t>(valid_utf8.size()));
  if (U_SUCCESS(status) && nfkc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
    out->append(valid_utf8);
    return;
  }
  const size_t start = out->size();
  status = U_ZERO_ERROR;
  if (nfkc != nullptr) {
    icu::StringByteSink<std::string> sink(out);
    nfkc->normalizeUTF8(0, piece, sink, nullptr, status);
  }
  // ICU fails only when its data is missing or the input is over 2 GiB:
  // indexing the text unnormalized is better than losing it.
  if (nfkc == nullptr || U_FAILURE(status)) {
    out->resize(start);
    out->append(valid_utf8);
  }
}

Result<Analyzer> Analyzer::Create(AnalyzerOptions options) {
  std::optional<Stemmer> stemmer;
  if (options.stem) {
    Result<Stemmer> made = Stemmer::Create(options.language);
    if (!made.ok()) return made.status();
    stemmer.emplace(std::move(made).value());
  }
  const StopwordSet* stopwords =
      options.remove_stopwords ? StopwordsFor(options.language) : nullptr;
  return Analyzer(std::move(options), std::move(stemmer), stopwords);
}

template <typename Emit>
void Analyzer::Run(std::string_view text, Emit&& emit) {
  normalized_.clear();
  if (IsValidUtf8(text)) {
    AppendNfkc(text, &normalized_);
  } else {
    AppendNfkc(SanitizeUtf8(text), &normalized_);
  }
  // WordSpans allocates one vector per text; texts are chunks or queries, and
  // the spans are a small fraction of the work that follows.
  const std::vector<Span> spans = WordSpans(normalized_);
  uint32_t position = 0;
  for (const Span& span : spans) {
    const uint32_t here = position++;
    if (span.size() > kMaxWordBytes) continue;
    folded_.clear();
    AppendCaseFolded(SpanText(normalized_, span), &folded_);
    if (stopwords_ != nullptr && stopwords_->Contains(folded_)) continue;
    if (stemmer_.has_value()) {
      // Porter stems "s" to "": a term must never be empty, so such a word
      // is kept as it is.
      const std::string_view stem = stemmer_->Stem(folded_);
      emit(stem.empty() ? std::string_view(folded_) : stem, here);
    } else {
      emit(std::string_view(folded_), here);
    }
  }
}

void Analyzer::Analyze(std::string_view text, std::vector<AnalyzedTerm>* out) {
  out->clear();
  Run(text, [&](std::string_view term, uint32_t position) {
    out->push_back(AnalyzedTerm{std::string(term), position});
  });
}

void Analyzer::AnalyzeTerms(std::string_view text, std::vector<std::string>* out) {
  out->clear();
  Run(text, [&](std::string_view term, uint32_t) { out->emplace_back(term); });
}

}  // namespace quarry::text
