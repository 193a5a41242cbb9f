// LexicalEmbedder: a built-in embedder that needs no model.
//
// It is LEXICAL, NOT SEMANTIC: two texts are close when they share words,
// word pairs and character n-grams, never because they mean the same thing
// ("car" and "automobile" are unrelated to it). It exists so that vector
// search works out of the box; use a transformer model for meaning.
//
// Features, each hashed into one of `dimensions` buckets with a sign taken
// from the hash (signed feature hashing, so collisions cancel on average):
//   - case-folded word unigrams (weight 1, stopwords 0.15),
//   - word bigrams (weight 0.7; 0.1 when both words are stopwords),
//   - character 3- to 5-grams of each non-stopword, with word boundary marks
//     (weight 0.2 each), so "index" and "indexes" share most of their mass.
// Term frequencies are damped (1 + ln tf) and the vector is L2-normalized, so
// the dot product of two vectors is their cosine similarity.
//
// Deterministic: the same text gives the same vector on every machine.
// Thread-safety: immutable after construction; all methods may run concurrently.
#ifndef QUARRY_EMBED_LEXICAL_EMBEDDER_H_
#define QUARRY_EMBED_LEXICAL_EMBEDDER_H_

#include <cstdint>
#include <string>

#include "quarry/embedder.h"

namespace quarry::embed {

class LexicalEmbedder final : public Embedder {
 public:
  // Longest input it reports: chunking sizes chunks below this.
  static constexpr uint32_t kMaxTokens = 512;

  // REQUIRES: dimensions within [kMinDimensions, kMaxDimensions] (validated config).
  explicit LexicalEmbedder(uint32_t dimensions);

  std::string fingerprint() const override;
  uint32_t dimensions() const override { return dimensions_; }
  uint32_t max_tokens() const override { return kMaxTokens; }
  bool semantic() const override { return false; }
  size_t CountTokens(std::string_view text) const override;
  Status Embed(std::span<const std::string_view> texts, EmbedPurpose purpose,
               std::span<float> out) const override;

  // Embeds one text into `out` (dimensions() floats).
  void EmbedOne(std::string_view text, std::span<float> out) const;

 private:
  uint32_t dimensions_;
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_LEXICAL_EMBEDDER_H_
