// BertEncoder: the float32 forward pass of a BERT-family sentence encoder,
// token ids in, one pooled and L2-normalized vector per sequence out.
//
//   embeddings: word + position + token type (0), LayerNorm
//   N layers:   fused QKV projection; per head softmax(QK^T / sqrt(d)) V over
//               the sequence's own tokens only (padding is never attended to);
//               output projection, residual, LayerNorm; GELU (erf) feed-forward,
//               residual, LayerNorm
//   pooling:    mean over the real tokens, or the [CLS] row; then L2 norm.
//
// Encode sorts the sequences by length and runs them in batches of neighbours
// in that order, padded to the longest of the batch, so padding costs little;
// results come back in the caller's order.
//
// Thread-safety: immutable after construction; Encode may run concurrently
// (scratch is per call). The thread count is OpenBLAS's, which is process-wide.
#ifndef QUARRY_EMBED_BERT_ENCODER_H_
#define QUARRY_EMBED_BERT_ENCODER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "embed/bert_config.h"
#include "embed/bert_weights.h"

namespace quarry::embed {

struct BertEncoderOptions {
  // Sequences per forward pass.
  size_t max_batch = 32;
  // Threads for the matrix products; 0 leaves OpenBLAS's default (the cores).
  int num_threads = 0;
};

class BertEncoder {
 public:
  BertEncoder(BertConfig config, BertWeights weights, BertEncoderOptions options);

  // Loads config and model.safetensors from a sentence-transformers folder.
  static Result<std::unique_ptr<BertEncoder>> Load(Env& env, const std::string& dir,
                                                   BertEncoderOptions options);

  // Writes one vector of config().hidden_size floats per sequence into `out`.
  // Each sequence holds ids with [CLS]/[SEP] already in place.
  // InvalidArgument when a sequence is empty, longer than
  // max_position_embeddings, or holds an id outside the vocabulary, or when
  // out.size() != sequences.size() * hidden_size.
  Status Encode(std::span<const std::vector<int32_t>> sequences, std::span<float> out) const;

  const BertConfig& config() const { return config_; }

 private:
  // Runs sequences `batch` (all of length <= `length`) through the model and
  // writes their pooled, normalized vectors to out[i * hidden_size].
  void ForwardBatch(std::span<const std::vector<int32_t>* const> batch, size_t length,
                    std::span<float* const> out) const;
  void Attention(const float* qkv, size_t batch_size, size_t length,
                 std::span<const std::vector<int32_t>* const> batch, float* context) const;

  BertConfig config_;
  BertWeights weights_;
  BertEncoderOptions options_;
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_BERT_ENCODER_H_
