#include "synthetic_corpus.h"

#include <random>
#include <string_view>

namespace quarry::bench {

std::vector<search::BeirDocument> SyntheticCorpus(const std::vector<search::BeirDocument>& real,
                                                  size_t documents, uint64_t seed) {
  std::vector<std::string_view> sentences;
  for (const search::BeirDocument& d : real) {
    std::string_view text = d.text;
    while (!text.empty()) {
      const size_t end = text.find(". ");
      const size_t take = end == std::string_view::npos ? text.size() : end + 1;
      sentences.push_back(text.substr(0, take));
      text.remove_prefix(std::min(text.size(), take + 1));
    }
  }
  std::vector<search::BeirDocument> out;
  if (sentences.empty() || real.empty()) return out;
  std::mt19937_64 rng(seed);
  out.reserve(documents);
  for (size_t i = 0; i < documents; ++i) {
    search::BeirDocument d;
    d.id = "s" + std::to_string(i);
    d.title = real[rng() % real.size()].title;
    const size_t n = 4 + rng() % 9;
    for (size_t s = 0; s < n; ++s) {
      if (s > 0) d.text += ' ';
      d.text += sentences[rng() % sentences.size()];
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace quarry::bench
