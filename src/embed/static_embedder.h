// StaticEmbedder: the `static` embedder, a static token-embedding model in
// model2vec's folder format: `tokenizer.json`, `model.safetensors` holding one
// matrix `embeddings` [vocab, dim] (F32, F16 or BF16), and an optional
// `config.json` (only `normalize` is read, and only type-checked: see below).
//
// A text's vector is the mean of the rows of its WordPiece pieces, then L2
// normalized. As in model2vec: no [CLS]/[SEP], unknown words ([UNK]) are
// skipped, and only the first kMaxTokens pieces count. A text with no known
// piece gets the zero vector. Vectors are always normalized, whatever
// `normalize` says, because Quarry compares by dot product (cosine); for
// cosine ranking the two are the same.
//
// Only WordPiece tokenizers are supported; a Unigram or BPE tokenizer.json
// fails to load with "unsupported tokenizer type 'X'".
//
// The files are untrusted: the matrix must be 2-D with exactly one row per
// vocabulary id, at most kMaxDimensions wide, and finite.
//
// The fingerprint names the folder, a hash of the weights file, the width and
// the vocabulary, so vectors of different weights never mix.
//
// Thread-safety: immutable after Load; all methods may run concurrently.
#ifndef QUARRY_EMBED_STATIC_EMBEDDER_H_
#define QUARRY_EMBED_STATIC_EMBEDDER_H_

#include <memory>
#include <string>
#include <vector>

#include "base/env.h"
#include "embed/wordpiece.h"
#include "quarry/embedder.h"

namespace quarry::embed {

class StaticEmbedder final : public Embedder {
 public:
  // model2vec's default max_length: static models have no position limit,
  // but a mean over more pieces says little more and costs linear time.
  static constexpr uint32_t kMaxTokens = 512;

  // Loads and validates the folder `dir`. Errors name the file and the rule.
  static Result<std::unique_ptr<StaticEmbedder>> Load(Env& env, const std::string& dir);

  std::string fingerprint() const override { return fingerprint_; }
  uint32_t dimensions() const override { return dimensions_; }
  uint32_t max_tokens() const override { return kMaxTokens; }
  bool semantic() const override { return true; }
  // Pieces the model sees, [UNK] included (a safe upper bound for chunking).
  size_t CountTokens(std::string_view text) const override;
  Status Embed(std::span<const std::string_view> texts, EmbedPurpose purpose,
               std::span<float> out) const override;

 private:
  StaticEmbedder(WordPieceTokenizer tokenizer, std::vector<float> table, uint32_t dimensions,
                 std::string fingerprint)
      : tokenizer_(std::move(tokenizer)),
        table_(std::move(table)),
        dimensions_(dimensions),
        fingerprint_(std::move(fingerprint)) {}

  WordPieceTokenizer tokenizer_;
  std::vector<float> table_;  // vocab_size rows of dimensions_ floats
  uint32_t dimensions_;
  std::string fingerprint_;
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_STATIC_EMBEDDER_H_
