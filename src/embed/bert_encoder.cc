#include "embed/bert_encoder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "embed/bert_ops.h"
#include "embed/safetensors.h"

namespace quarry::embed {

BertEncoder::BertEncoder(BertConfig config, BertWeights weights, BertEncoderOptions options)
    : config_(config), weights_(std::move(weights)), options_(options) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  if (options_.num_threads > 0) SetBlasThreads(options_.num_threads);
}

Result<std::unique_ptr<BertEncoder>> BertEncoder::Load(Env& env, const std::string& dir,
                                                       BertEncoderOptions options) {
  QUARRY_ASSIGN_OR_RETURN(BertConfig config, LoadBertConfig(env, dir));
  QUARRY_ASSIGN_OR_RETURN(SafetensorsFile file, SafetensorsFile::Open(dir + "/model.safetensors"));
  QUARRY_ASSIGN_OR_RETURN(BertWeights weights, LoadBertWeights(file, config));
  return std::make_unique<BertEncoder>(config, std::move(weights), options);
}

Status BertEncoder::Encode(std::span<const std::vector<int32_t>> sequences,
                           std::span<float> out) const {
  const size_t h = config_.hidden_size;
  if (out.size() != sequences.size() * h) {
    return Status::InvalidArgument("output holds " + std::to_string(out.size()) +
                                   " floats, needs " + std::to_string(sequences.size() * h));
  }
  for (const std::vector<int32_t>& seq : sequences) {
    if (seq.empty() || seq.size() > config_.max_position_embeddings) {
      return Status::InvalidArgument("sequence of " + std::to_string(seq.size()) +
                                     " tokens; the model takes 1 to " +
                                     std::to_string(config_.max_position_embeddings));
    }
    for (int32_t id : seq) {
      if (id < 0 || static_cast<uint32_t>(id) >= config_.vocab_size) {
        return Status::InvalidArgument("token id " + std::to_string(id) + " outside the vocabulary");
      }
    }
  }
  std::vector<size_t> order(sequences.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return sequences[a].size() < sequences[b].size();
  });
  std::vector<const std::vector<int32_t>*> batch;
  std::vector<float*> targets;
  for (size_t start = 0; start < order.size(); start += options_.max_batch) {
    const size_t end = std::min(order.size(), start + options_.max_batch);
    batch.clear();
    targets.clear();
    for (size_t i = start; i < end; ++i) {
      batch.push_back(&sequences[order[i]]);
      targets.push_back(out.data() + order[i] * h);
    }
    ForwardBatch(batch, sequences[order[end - 1]].size(), targets);
  }
  return Status::Ok();
}

void BertEncoder::Attention(const float* qkv, size_t batch_size, size_t length,
                            std::span<const std::vector<int32_t>* const> batch,
                            float* context) const {
  const size_t h = config_.hidden_size, d = config_.head_dim();
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  std::vector<float> scores(length * length);
  for (size_t b = 0; b < batch_size; ++b) {
    const size_t n = batch[b]->size();
    const float* base = qkv + b * length * 3 * h;
    for (size_t head = 0; head < config_.num_heads; ++head) {
      const float* q = base + head * d;
      const float* k = base + h + head * d;
      const float* v = base + 2 * h + head * d;
      MatMulTransB(q, 3 * h, k, 3 * h, n, n, d, scale, scores.data(), n);
      for (size_t r = 0; r < n; ++r) SoftmaxInPlace(scores.data() + r * n, n);
      MatMul(scores.data(), n, v, 3 * h, n, d, n, context + b * length * h + head * d, h);
    }
  }
}

void BertEncoder::ForwardBatch(std::span<const std::vector<int32_t>* const> batch, size_t length,
                               std::span<float* const> out) const {
  const size_t h = config_.hidden_size, inter = config_.intermediate_size;
  const size_t rows = batch.size() * length;
  std::vector<float> x(rows * h, 0.0f), qkv(rows * 3 * h), context(rows * h, 0.0f),
      tmp(rows * h), ff(rows * inter);

  // Embeddings. Padding rows stay zero through LayerNorm's beta and are never
  // attended to or pooled.
  for (size_t b = 0; b < batch.size(); ++b) {
    const std::vector<int32_t>& ids = *batch[b];
    for (size_t t = 0; t < ids.size(); ++t) {
      float* row = x.data() + (b * length + t) * h;
      const float* word = weights_.word_emb.data() + static_cast<size_t>(ids[t]) * h;
      const float* pos = weights_.position_emb.data() + t * h;
      for (size_t i = 0; i < h; ++i) row[i] = word[i] + pos[i] + weights_.type_emb[i];
    }
  }
  LayerNormRows(x.data(), rows, h, weights_.emb_ln_g.data(), weights_.emb_ln_b.data(),
                config_.layer_norm_eps);

  for (const BertLayerWeights& layer : weights_.layers) {
    Linear(x.data(), rows, h, layer.qkv_w.data(), layer.qkv_b.data(), 3 * h, qkv.data());
    Attention(qkv.data(), batch.size(), length, batch, context.data());
    Linear(context.data(), rows, h, layer.attn_out_w.data(), layer.attn_out_b.data(), h, tmp.data());
    AddInPlace(x.data(), tmp.data(), rows * h);
    LayerNormRows(x.data(), rows, h, layer.attn_ln_g.data(), layer.attn_ln_b.data(),
                  config_.layer_norm_eps);
    Linear(x.data(), rows, h, layer.inter_w.data(), layer.inter_b.data(), inter, ff.data());
    GeluInPlace(ff.data(), rows * inter);
    Linear(ff.data(), rows, inter, layer.out_w.data(), layer.out_b.data(), h, tmp.data());
    AddInPlace(x.data(), tmp.data(), rows * h);
    LayerNormRows(x.data(), rows, h, layer.out_ln_g.data(), layer.out_ln_b.data(),
                  config_.layer_norm_eps);
  }

  for (size_t b = 0; b < batch.size(); ++b) {
    const size_t n = batch[b]->size();
    const float* first = x.data() + b * length * h;
    std::vector<double> pooled(h, 0.0);
    const size_t pooled_rows = config_.pooling == Pooling::kCls ? 1 : n;
    for (size_t t = 0; t < pooled_rows; ++t) {
      for (size_t i = 0; i < h; ++i) pooled[i] += first[t * h + i];
    }
    double norm = 0;
    for (size_t i = 0; i < h; ++i) {
      pooled[i] /= static_cast<double>(pooled_rows);
      norm += pooled[i] * pooled[i];
    }
    // As torch.nn.functional.normalize: divide by max(norm, 1e-12).
    const double inv = 1.0 / std::max(std::sqrt(norm), 1e-12);
    for (size_t i = 0; i < h; ++i) out[b][i] = static_cast<float>(pooled[i] * inv);
  }
}

}  // namespace quarry::embed
