// BertWeights: the float32 parameters of a BERT encoder, taken from a
// safetensors file and checked tensor by tensor against a BertConfig.
//
// Names follow Hugging Face's BertModel ("embeddings.word_embeddings.weight",
// "encoder.layer.3.attention.self.query.weight", ...), optionally under a
// "bert." prefix; LayerNorm parameters may be named weight/bias or gamma/beta.
// Linear weights keep PyTorch's [out, in] layout. Query, key and value are
// concatenated into one [3H, H] matrix so that one GEMM computes all three.
// F16 and BF16 tensors are converted; unknown extra tensors are ignored.
//
// Thread-safety: a value; immutable once loaded.
#ifndef QUARRY_EMBED_BERT_WEIGHTS_H_
#define QUARRY_EMBED_BERT_WEIGHTS_H_

#include <vector>

#include "embed/bert_config.h"
#include "embed/safetensors.h"

namespace quarry::embed {

struct BertLayerWeights {
  std::vector<float> qkv_w, qkv_b;            // [3H, H], [3H]
  std::vector<float> attn_out_w, attn_out_b;  // [H, H], [H]
  std::vector<float> attn_ln_g, attn_ln_b;    // [H]
  std::vector<float> inter_w, inter_b;        // [I, H], [I]
  std::vector<float> out_w, out_b;            // [H, I], [H]
  std::vector<float> out_ln_g, out_ln_b;      // [H]
};

struct BertWeights {
  std::vector<float> word_emb;      // [V, H]
  std::vector<float> position_emb;  // [P, H]
  std::vector<float> type_emb;      // [T, H]
  std::vector<float> emb_ln_g, emb_ln_b;
  std::vector<BertLayerWeights> layers;
};

// Corruption naming the tensor when one is missing or its shape disagrees
// with `config`; NotSupported for dtypes that do not convert to float.
Result<BertWeights> LoadBertWeights(const SafetensorsFile& file, const BertConfig& config);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_BERT_WEIGHTS_H_
