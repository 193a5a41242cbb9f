#include "embed/stopwords.h"

#include <algorithm>
#include <array>

namespace quarry::embed {
namespace {

// Lucene's English stop set plus common question and auxiliary words, sorted
// for binary search.
constexpr std::array<std::string_view, 79> kStopwords = {
    "a",     "about", "an",    "and",   "are",   "as",    "at",    "be",    "been",  "but",
    "by",    "can",   "could", "did",   "do",    "does",  "for",   "from",  "had",   "has",
    "have",  "he",    "her",   "his",   "how",   "i",     "if",    "in",    "into",  "is",
    "it",    "its",   "may",   "me",    "might", "my",    "no",    "not",   "of",    "on",
    "or",    "our",   "she",   "should", "so",   "such",  "than",  "that",  "the",   "their",
    "them",  "then",  "there", "these", "they",  "this",  "those", "to",    "was",   "we",
    "were",  "what",  "when",  "where", "which", "while", "who",   "whom",  "why",   "will",
    "with",  "would", "you",   "your",  "s",     "t",     "also",  "any",   "all"};

struct Sorted {
  std::array<std::string_view, kStopwords.size()> words;
  constexpr Sorted() : words(kStopwords) { std::sort(words.begin(), words.end()); }
};
constexpr Sorted kSorted;

}  // namespace

bool IsEnglishStopword(std::string_view folded_word) {
  return std::binary_search(kSorted.words.begin(), kSorted.words.end(), folded_word);
}

}  // namespace quarry::embed
