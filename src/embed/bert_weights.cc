#include "embed/bert_weights.h"

namespace quarry::embed {
namespace {

std::string ShapeString(const std::vector<uint64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

class Reader {
 public:
  Reader(const SafetensorsFile& file, std::string prefix) : file_(file), prefix_(std::move(prefix)) {}

  // Reads `name` (or `alt`, for LayerNorm's old gamma/beta names) and checks its shape.
  Result<std::vector<float>> Read(const std::string& name, std::vector<uint64_t> shape,
                                  const std::string& alt = "") const {
    std::string full = prefix_ + name;
    const TensorInfo* info = file_.Find(full);
    if (info == nullptr && !alt.empty()) {
      full = prefix_ + alt;
      info = file_.Find(full);
    }
    if (info == nullptr) return Status::Corruption("model.safetensors: tensor '" + prefix_ + name + "' missing");
    if (info->shape != shape) {
      return Status::Corruption("model.safetensors: tensor '" + full + "' has shape " +
                                ShapeString(info->shape) + " but the config needs " +
                                ShapeString(shape));
    }
    return file_.ReadFloats(full);
  }

  Status LayerNorm(const std::string& name, uint64_t h, std::vector<float>* g,
                   std::vector<float>* b) const {
    QUARRY_ASSIGN_OR_RETURN(*g, Read(name + ".weight", {h}, name + ".gamma"));
    QUARRY_ASSIGN_OR_RETURN(*b, Read(name + ".bias", {h}, name + ".beta"));
    return Status::Ok();
  }

  Status Dense(const std::string& name, uint64_t out, uint64_t in, std::vector<float>* w,
               std::vector<float>* b) const {
    QUARRY_ASSIGN_OR_RETURN(*w, Read(name + ".weight", {out, in}));
    QUARRY_ASSIGN_OR_RETURN(*b, Read(name + ".bias", {out}));
    return Status::Ok();
  }

 private:
  const SafetensorsFile& file_;
  std::string prefix_;
};

}  // namespace

Result<BertWeights> LoadBertWeights(const SafetensorsFile& file, const BertConfig& c) {
  const std::string prefix =
      file.Find("embeddings.word_embeddings.weight") == nullptr &&
              file.Find("bert.embeddings.word_embeddings.weight") != nullptr
          ? "bert."
          : "";
  Reader r(file, prefix);
  const uint64_t h = c.hidden_size, inter = c.intermediate_size;
  BertWeights w;
  QUARRY_ASSIGN_OR_RETURN(w.word_emb, r.Read("embeddings.word_embeddings.weight", {c.vocab_size, h}));
  QUARRY_ASSIGN_OR_RETURN(w.position_emb, r.Read("embeddings.position_embeddings.weight",
                                                 {c.max_position_embeddings, h}));
  QUARRY_ASSIGN_OR_RETURN(w.type_emb,
                          r.Read("embeddings.token_type_embeddings.weight", {c.type_vocab_size, h}));
  QUARRY_RETURN_IF_ERROR(r.LayerNorm("embeddings.LayerNorm", h, &w.emb_ln_g, &w.emb_ln_b));

  for (uint32_t i = 0; i < c.num_layers; ++i) {
    const std::string l = "encoder.layer." + std::to_string(i) + ".";
    BertLayerWeights layer;
    for (const char* part : {"query", "key", "value"}) {
      std::vector<float> pw, pb;
      QUARRY_RETURN_IF_ERROR(r.Dense(l + "attention.self." + part, h, h, &pw, &pb));
      layer.qkv_w.insert(layer.qkv_w.end(), pw.begin(), pw.end());
      layer.qkv_b.insert(layer.qkv_b.end(), pb.begin(), pb.end());
    }
    QUARRY_RETURN_IF_ERROR(
        r.Dense(l + "attention.output.dense", h, h, &layer.attn_out_w, &layer.attn_out_b));
    QUARRY_RETURN_IF_ERROR(
        r.LayerNorm(l + "attention.output.LayerNorm", h, &layer.attn_ln_g, &layer.attn_ln_b));
    QUARRY_RETURN_IF_ERROR(r.Dense(l + "intermediate.dense", inter, h, &layer.inter_w, &layer.inter_b));
    QUARRY_RETURN_IF_ERROR(r.Dense(l + "output.dense", h, inter, &layer.out_w, &layer.out_b));
    QUARRY_RETURN_IF_ERROR(r.LayerNorm(l + "output.LayerNorm", h, &layer.out_ln_g, &layer.out_ln_b));
    w.layers.push_back(std::move(layer));
  }
  return w;
}

}  // namespace quarry::embed
