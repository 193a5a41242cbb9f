// BertConfig: the shape of a BERT-family encoder and how its output is pooled,
// read from a sentence-transformers folder: config.json (architecture),
// 1_Pooling/config.json (mean or CLS pooling; mean when absent) and
// sentence_bert_config.json (max_seq_length; the position table size when absent).
//
// Only what the runtime implements is accepted: absolute position embeddings,
// GELU (erf) activations, mean or CLS pooling. Sizes are bounded so that a
// hostile config cannot request absurd allocations before weights are checked.
//
// Thread-safety: values and pure functions.
#ifndef QUARRY_EMBED_BERT_CONFIG_H_
#define QUARRY_EMBED_BERT_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/env.h"
#include "quarry/status.h"

namespace quarry::embed {

enum class Pooling { kMean, kCls };

struct BertConfig {
  uint32_t vocab_size = 0;
  uint32_t hidden_size = 0;
  uint32_t num_layers = 0;
  uint32_t num_heads = 0;
  uint32_t intermediate_size = 0;
  uint32_t max_position_embeddings = 0;
  uint32_t type_vocab_size = 0;
  float layer_norm_eps = 1e-12f;
  Pooling pooling = Pooling::kMean;
  // Longest input in tokens, [CLS] and [SEP] included; <= max_position_embeddings.
  uint32_t max_seq_length = 0;
  // Text put before each input, from config_sentence_transformers.json's
  // "prompts" (E5's "query: " / "passage: ", BGE's query instruction); "" for
  // none. Queries use "query"; documents the first of "document", "passage",
  // "corpus", "doc".
  std::string query_prompt;
  std::string document_prompt;

  uint32_t head_dim() const { return hidden_size / num_heads; }
};

// Parses config.json. InvalidArgument naming the field when one is missing,
// of the wrong type or out of range; NotSupported for other architectures.
Result<BertConfig> ParseBertConfig(std::string_view config_json);

// Applies 1_Pooling/config.json to `config`.
Status ParsePoolingConfig(std::string_view pooling_json, BertConfig* config);

// Applies config_sentence_transformers.json's "prompts" to `config`.
// InvalidArgument when a prompt is not a string or is over 1,024 bytes.
Status ParseSentenceTransformersPrompts(std::string_view json_text, BertConfig* config);

// Reads config.json, 1_Pooling/config.json, sentence_bert_config.json and
// config_sentence_transformers.json of the model folder `dir` (all but the
// first optional).
Result<BertConfig> LoadBertConfig(Env& env, const std::string& dir);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_BERT_CONFIG_H_
