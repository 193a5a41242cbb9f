#include "search/snippet_match.h"

#include "text/word_tokenizer.h"

namespace quarry::search {

Result<QueryTermMatcher> QueryTermMatcher::Create(const text::AnalyzerOptions& analyzer) {
  QUARRY_ASSIGN_OR_RETURN(text::Analyzer made, text::Analyzer::Create(analyzer));
  return QueryTermMatcher(std::move(made));
}

void QueryTermMatcher::SetQuery(std::string_view query) {
  terms_.clear();
  analyzer_.AnalyzeTerms(query, &word_terms_);
  for (std::string& term : word_terms_) {
    const auto id = static_cast<uint32_t>(terms_.size());
    terms_.emplace(std::move(term), id);
  }
}

int64_t QueryTermMatcher::TermId(std::string_view term) const {
  const auto it = terms_.find(term);
  return it == terms_.end() ? int64_t{-1} : int64_t{it->second};
}

void QueryTermMatcher::FindMatches(std::string_view valid_utf8, std::vector<WordMatch>* out) {
  out->clear();
  words_ = text::WordSpans(valid_utf8);
  if (terms_.empty()) return;
  const std::vector<text::Span>& words = words_;

  normalized_.clear();
  text::AppendNfkc(valid_utf8, &normalized_);
  if (normalized_ == valid_utf8) {
    // The analyzer segments exactly these words; its positions count every
    // one of them, dropped or not, so they index `words` directly.
    analyzer_.Analyze(valid_utf8, &analyzed_);
    for (const text::AnalyzedTerm& t : analyzed_) {
      const int64_t id = TermId(t.text);
      if (id >= 0 && t.position < words.size()) {
        out->push_back({words[t.position], static_cast<uint32_t>(id)});
      }
    }
    return;
  }
  // NFKC changed the text, and with it possibly the words: analyze each
  // original word alone. A word can still give several terms ("½" is "1⁄2");
  // it matches if any of them is a query term.
  std::unordered_map<std::string_view, int64_t> seen;
  for (const text::Span& span : words) {
    const std::string_view word = text::SpanText(valid_utf8, span);
    auto [it, inserted] = seen.emplace(word, -1);
    if (inserted) {
      analyzer_.AnalyzeTerms(word, &word_terms_);
      for (const std::string& term : word_terms_) {
        const int64_t id = TermId(term);
        if (id >= 0) {
          it->second = id;
          break;
        }
      }
    }
    if (it->second >= 0) out->push_back({span, static_cast<uint32_t>(it->second)});
  }
}

}  // namespace quarry::search
