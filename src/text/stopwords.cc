#include "text/stopwords.h"

#include <algorithm>
#include <array>

namespace quarry::text {
namespace {

// Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, sorted.
constexpr std::array<std::string_view, 33> kEnglish = {
    "a",   "an",    "and",  "are",   "as",    "at",   "be",   "but", "by",  "for",  "if",
    "in",  "into",  "is",   "it",    "no",    "not",  "of",   "on",  "or",  "such", "that",
    "the", "their", "then", "there", "these", "they", "this", "to",  "was", "will", "with"};
static_assert(std::is_sorted(kEnglish.begin(), kEnglish.end()), "binary search needs order");

constexpr StopwordSet kEnglishSet{kEnglish};

}  // namespace

bool StopwordSet::Contains(std::string_view folded_word) const {
  return std::binary_search(words_.begin(), words_.end(), folded_word);
}

const StopwordSet* StopwordsFor(std::string_view language) {
  if (language == "english" || language == "en" || language == "porter") return &kEnglishSet;
  return nullptr;
}

}  // namespace quarry::text
