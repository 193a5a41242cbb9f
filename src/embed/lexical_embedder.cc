#include "embed/lexical_embedder.h"

#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/hash.h"
#include "embed/stopwords.h"
#include "text/word_tokenizer.h"
#include "vector/distance.h"

namespace quarry::embed {
namespace {

// Seeds keep the feature families apart: the word "ab" and the 2-gram "ab"
// must not land in the same bucket on purpose.
constexpr uint64_t kUnigramSeed = 0x51a7e5u;
constexpr uint64_t kBigramSeed = 0xb16a3u;
constexpr uint64_t kCharGramSeed = 0xc4a55u;

constexpr float kUnigramWeight = 1.0f;
constexpr float kStopwordUnigramWeight = 0.15f;
constexpr float kBigramWeight = 0.7f;
constexpr float kStopwordBigramWeight = 0.1f;
constexpr float kCharGramWeight = 0.2f;
constexpr size_t kMinCharGram = 3;
constexpr size_t kMaxCharGram = 5;

struct Feature {
  float base_weight = 0;
  float count = 0;
};

uint64_t Mix(uint64_t a, uint64_t b) {
  // From boost::hash_combine's 64-bit variant; good enough to combine two
  // already well-mixed XXH3 values.
  return a ^ (b + 0x9e3779b97f4a7c15ull + (a << 12) + (a >> 4));
}

// Adds the character n-grams of "<word>" (n in [3, 5], whole code points).
void AddCharGrams(std::string_view word, std::unordered_map<uint64_t, Feature>* features) {
  std::string marked;
  marked.reserve(word.size() + 2);
  marked += '<';
  marked += word;
  marked += '>';
  // Byte offsets of code point starts, so n-grams never split a character.
  std::vector<size_t> starts;
  for (size_t i = 0; i < marked.size(); ++i) {
    if ((static_cast<unsigned char>(marked[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(marked.size());
  const size_t chars = starts.size() - 1;
  for (size_t n = kMinCharGram; n <= kMaxCharGram && n <= chars; ++n) {
    for (size_t i = 0; i + n <= chars; ++i) {
      std::string_view gram(marked.data() + starts[i], starts[i + n] - starts[i]);
      Feature& f = (*features)[Hash64(gram, kCharGramSeed)];
      f.base_weight = kCharGramWeight;
      f.count += 1;
    }
  }
}

}  // namespace

LexicalEmbedder::LexicalEmbedder(uint32_t dimensions) : dimensions_(dimensions) {}

std::string LexicalEmbedder::fingerprint() const {
  return "lexical-v1/d" + std::to_string(dimensions_);
}

size_t LexicalEmbedder::CountTokens(std::string_view text) const {
  return text::CountWords(text);
}

Status LexicalEmbedder::Embed(std::span<const std::string_view> texts, EmbedPurpose /*purpose*/,
                              std::span<float> out) const {
  if (out.size() != texts.size() * dimensions_) {
    return Status::InvalidArgument("output buffer holds " + std::to_string(out.size()) +
                                   " floats, need " + std::to_string(texts.size() * dimensions_));
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    EmbedOne(texts[i], out.subspan(i * dimensions_, dimensions_));
  }
  return Status::Ok();
}

void LexicalEmbedder::EmbedOne(std::string_view text, std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0f);
  std::vector<std::string> words;
  text::FoldedWords(text, &words);

  std::unordered_map<uint64_t, Feature> features;
  features.reserve(words.size() * 8);
  std::vector<uint64_t> word_hashes(words.size());
  std::vector<bool> stop(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    stop[i] = IsEnglishStopword(words[i]);
    word_hashes[i] = Hash64(words[i], kUnigramSeed);
    Feature& f = features[word_hashes[i]];
    f.base_weight = stop[i] ? kStopwordUnigramWeight : kUnigramWeight;
    f.count += 1;
    if (!stop[i]) AddCharGrams(words[i], &features);
    if (i > 0) {
      Feature& b = features[Mix(Mix(kBigramSeed, word_hashes[i - 1]), word_hashes[i])];
      b.base_weight = (stop[i] && stop[i - 1]) ? kStopwordBigramWeight : kBigramWeight;
      b.count += 1;
    }
  }

  for (const auto& [hash, feature] : features) {
    const float weight = feature.base_weight * (1.0f + std::log(feature.count));
    const size_t bucket = hash % dimensions_;
    out[bucket] += (hash >> 63) ? -weight : weight;
  }
  vector::NormalizeL2(out);
}

}  // namespace quarry::embed
