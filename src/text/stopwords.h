// Stopword lists for keyword search: words too common to carry meaning,
// dropped by the analyzer (text/analyzer.h) at index and query time alike.
//
// The English list is Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET (33
// words), the set Anserini's BM25 baselines on BEIR use, so that relevance
// figures compare like with like. It is deliberately short: BM25's idf already
// discounts common words, and a long list removes words that matter in some
// queries ("not", "will" are in it; "may", "can", "should" are not). The
// lexical embedder keeps its own, longer list (embed/stopwords.h) because it
// down-weights rather than drops.
//
// Thread-safety: immutable objects over constant tables.
#ifndef QUARRY_TEXT_STOPWORDS_H_
#define QUARRY_TEXT_STOPWORDS_H_

#include <span>
#include <string_view>

namespace quarry::text {

// A sorted, immutable set of case-folded words.
class StopwordSet {
 public:
  // REQUIRES: `sorted_words` is sorted and outlives the set.
  explicit constexpr StopwordSet(std::span<const std::string_view> sorted_words)
      : words_(sorted_words) {}

  // True if `folded_word` (already case-folded and NFKC-normalized) is in the set.
  bool Contains(std::string_view folded_word) const;
  size_t size() const { return words_.size(); }
  std::span<const std::string_view> words() const { return words_; }

 private:
  std::span<const std::string_view> words_;
};

// The stopwords of a Snowball language name ("english"), or nullptr when
// Quarry has no list for that language (the analyzer then keeps every word).
const StopwordSet* StopwordsFor(std::string_view language);

}  // namespace quarry::text

#endif  // QUARRY_TEXT_STOPWORDS_H_
