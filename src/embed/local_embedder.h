// LocalEmbedder: the `local` embedder, a BERT-family sentence encoder run by
// Quarry's own runtime from a Hugging Face sentence-transformers folder
// (config.json, tokenizer.json or vocab.txt, model.safetensors,
// 1_Pooling/config.json, sentence_bert_config.json).
//
// Texts are tokenized with the model's WordPiece vocabulary, truncated to
// max_seq_length tokens ([CLS]/[SEP] included; chunking keeps chunks below
// it), run through the encoder (float32, or the int8 fast path) in length-sorted batches, pooled and
// L2-normalized. Models that embed queries and documents differently (E5's
// "query: " / "passage: ", BGE's query instruction) declare prompts in
// config_sentence_transformers.json; the prompt of the call's purpose is put
// before each text, and CountTokens counts documents with their prompt so that
// chunks still fit max_seq_length. A collection may replace the folder's
// prompts (embedder.query_prompt / document_prompt): LocalPrompts.
//
// The fingerprint names the model folder, a hash of the weight file, the
// pooling, the maximum length and the precision (int8 vectors differ from
// float32's), so vectors of different weights or arithmetic never mix.
//
// Thread-safety: immutable after Load; all methods may run concurrently.
#ifndef QUARRY_EMBED_LOCAL_EMBEDDER_H_
#define QUARRY_EMBED_LOCAL_EMBEDDER_H_

#include <memory>
#include <optional>
#include <string>

#include "base/env.h"
#include "embed/bert_encoder.h"
#include "embed/wordpiece.h"
#include "quarry/embedder.h"

namespace quarry::embed {

// Prompts that replace the model folder's; unset keeps the folder's, "" is none.
struct LocalPrompts {
  std::optional<std::string> query;
  std::optional<std::string> document;
};

class LocalEmbedder final : public Embedder {
 public:
  // Loads and validates every file of the folder `dir`. Errors name the file
  // (or the prompt that leaves no room for text).
  static Result<std::unique_ptr<LocalEmbedder>> Load(Env& env, const std::string& dir,
                                                     BertEncoderOptions options,
                                                     const LocalPrompts& prompts = {});

  std::string fingerprint() const override { return fingerprint_; }
  uint32_t dimensions() const override { return encoder_->config().hidden_size; }
  uint32_t max_tokens() const override { return encoder_->config().max_seq_length; }
  bool semantic() const override { return true; }
  size_t CountTokens(std::string_view text) const override;
  Status Embed(std::span<const std::string_view> texts, EmbedPurpose purpose,
               std::span<float> out) const override;

 private:
  LocalEmbedder(WordPieceTokenizer tokenizer, std::unique_ptr<BertEncoder> encoder,
                std::string fingerprint)
      : tokenizer_(std::move(tokenizer)),
        encoder_(std::move(encoder)),
        fingerprint_(std::move(fingerprint)),
        document_prompt_tokens_(tokenizer_.CountTokens(encoder_->config().document_prompt) -
                                tokenizer_.CountTokens("")) {}

  WordPieceTokenizer tokenizer_;
  std::unique_ptr<BertEncoder> encoder_;
  std::string fingerprint_;
  size_t document_prompt_tokens_;  // tokens the document prompt adds, specials excluded
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_LOCAL_EMBEDDER_H_
