#include "embed/bert_encoder.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <thread>

#include "embed/bert_ops.h"
#include "embed/safetensors.h"

namespace quarry::embed {

Result<Precision> ParsePrecision(std::string_view name) {
  if (name == "float32") return Precision::kFloat32;
  if (name == "int8") return Precision::kInt8;
  return Status::InvalidArgument("unknown precision '" + std::string(name) +
                                 "' (float32, int8)");
}

const char* PrecisionName(Precision precision) {
  return precision == Precision::kInt8 ? "int8" : "float32";
}

BertEncoder::BertEncoder(BertConfig config, BertWeights weights, BertEncoderOptions options)
    : config_(config), weights_(std::move(weights)), options_(options) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  if (options_.num_threads > 0) SetBlasThreads(options_.num_threads);
  const char* isa = std::getenv("QUARRY_ISA");
  const std::string_view cap = isa ? isa : "";
  float_kernels_ = &SelectFloatKernels(cap);
  const int threads = options_.num_threads > 0
                          ? options_.num_threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  workers_ = std::make_unique<WorkerGroup>(threads);
  if (options_.precision == Precision::kInt8) {
    const size_t h = config_.hidden_size, inter = config_.intermediate_size;
    for (BertLayerWeights& l : weights_.layers) {
      int8_layers_.push_back(Int8Layer{PackInt8Weights(l.qkv_w.data(), l.qkv_b.data(), 3 * h, h),
                                       PackInt8Weights(l.attn_out_w.data(), l.attn_out_b.data(), h, h),
                                       PackInt8Weights(l.inter_w.data(), l.inter_b.data(), inter, h),
                                       PackInt8Weights(l.out_w.data(), l.out_b.data(), h, inter)});
      // The packed copies (with their biases) replace the float32 matrices: a quarter of the memory.
      for (std::vector<float>* w : {&l.qkv_w, &l.attn_out_w, &l.inter_w, &l.out_w}) {
        std::vector<float>().swap(*w);
      }
    }
    int8_kernels_ = &SelectInt8Kernels(cap);
  }
}

void BertEncoder::Project(const float* x, size_t rows, size_t in, const std::vector<float>& w,
                          const std::vector<float>& b, const PackedInt8Weights* packed, size_t out,
                          float* y, QuantizedRows* scratch) const {
  if (packed == nullptr) {
    ParallelLinear(*workers_, x, rows, in, w.data(), b.data(), out, y);
    return;
  }
  ResizeQuantizedRows(rows, in, scratch);
  const bool parallel_quantize = rows * in >= kParallelFloats;
  const int quantize_parts = parallel_quantize ? workers_->size() : 1;
  workers_->Run(
      [&](int part) {
        for (size_t r = rows * part / quantize_parts; r < rows * (part + 1) / quantize_parts;
             ++r) {
          scratch->scale[r] = float_kernels_->quantize_row(
              x + r * in, in, scratch->k_padded, scratch->data.data() + r * scratch->k_padded);
        }
      },
      parallel_quantize);
  const int parts = workers_->size();
  workers_->Run([&](int part) {
    Int8GemmArgs args = MakeInt8GemmArgs(*scratch, *packed);
    args.block_begin = packed->blocks * part / parts;
    args.block_end = packed->blocks * (part + 1) / parts;
    args.y = y;
    if (args.block_begin < args.block_end) int8_kernels_->gemm(args);
  });
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
  Scratch scratch;
  for (size_t start = 0; start < order.size(); start += options_.max_batch) {
    const size_t end = std::min(order.size(), start + options_.max_batch);
    batch.clear();
    targets.clear();
    for (size_t i = start; i < end; ++i) {
      batch.push_back(&sequences[order[i]]);
      targets.push_back(out.data() + order[i] * h);
    }
    ForwardBatch(batch, sequences[order[end - 1]].size(), targets, &scratch);
  }
  return Status::Ok();
}

void BertEncoder::Attention(const float* qkv, size_t batch_size, size_t length,
                            std::span<const std::vector<int32_t>* const> batch,
                            float* context) const {
  const size_t h = config_.hidden_size, d = config_.head_dim(), heads = config_.num_heads;
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  if (d > kMaxFusedHeadDim) {
    // Wider heads than the fused kernel's accumulator: OpenBLAS per head.
    std::vector<float> scores(length * length);
    for (size_t b = 0; b < batch_size; ++b) {
      const size_t n = batch[b]->size();
      const float* base = qkv + b * length * 3 * h;
      for (size_t head = 0; head < heads; ++head) {
        MatMulTransB(base + head * d, 3 * h, base + h + head * d, 3 * h, n, n, d, scale,
                     scores.data(), n);
        for (size_t r = 0; r < n; ++r) SoftmaxInPlace(scores.data() + r * n, n);
        MatMul(scores.data(), n, base + 2 * h + head * d, 3 * h, n, d, n,
               context + b * length * h + head * d, h);
      }
    }
    return;
  }
  // One (sequence, head) pair at a time, the pairs dealt round-robin to the threads.
  size_t work = 0;
  for (size_t b = 0; b < batch_size; ++b) work += batch[b]->size() * batch[b]->size() * h;
  const bool parallel = work >= kParallelFloats;
  const int parts = parallel ? workers_->size() : 1;
  workers_->Run([&](int part) {
    std::vector<float> scratch(d * length + length);
    for (size_t pair = static_cast<size_t>(part); pair < batch_size * heads; pair += parts) {
      const size_t b = pair / heads, head = pair % heads;
      const float* base = qkv + b * length * 3 * h;
      AttentionArgs args;
      args.q = base + head * d;
      args.k = base + h + head * d;
      args.v = base + 2 * h + head * d;
      args.ld = 3 * h;
      args.n = batch[b]->size();
      args.d = d;
      args.scale = scale;
      args.context = context + b * length * h + head * d;
      args.ld_out = h;
      args.scratch = scratch.data();
      float_kernels_->attention(args);
    }
  }, parallel);
}

void BertEncoder::Gelu(float* x, size_t n) const {
  const bool parallel = n >= kParallelFloats;
  const int parts = parallel ? workers_->size() : 1;
  workers_->Run(
      [&](int part) {
        const size_t begin = n * part / parts, end = n * (part + 1) / parts;
        float_kernels_->gelu(x + begin, end - begin);
      },
      parallel);
}

void BertEncoder::ForwardBatch(std::span<const std::vector<int32_t>* const> batch, size_t length,
                               std::span<float* const> out, Scratch* scratch) const {
  const size_t h = config_.hidden_size, inter = config_.intermediate_size;
  const size_t rows = batch.size() * length;
  // Padding rows of x and context start at zero; qkv, tmp and ff are
  // written before they are read.
  auto grow = [](std::vector<float>& v, size_t n) {
    if (v.size() < n) v.resize(n);
  };
  grow(scratch->x, rows * h);
  grow(scratch->qkv, rows * 3 * h);
  grow(scratch->context, rows * h);
  grow(scratch->tmp, rows * h);
  grow(scratch->ff, rows * inter);
  std::fill_n(scratch->x.begin(), rows * h, 0.0f);
  std::fill_n(scratch->context.begin(), rows * h, 0.0f);
  float* x = scratch->x.data();
  float* qkv = scratch->qkv.data();
  float* context = scratch->context.data();
  float* tmp = scratch->tmp.data();
  float* ff = scratch->ff.data();

  // Embeddings. Padding rows stay zero through LayerNorm's beta and are never
  // attended to or pooled.
  for (size_t b = 0; b < batch.size(); ++b) {
    const std::vector<int32_t>& ids = *batch[b];
    for (size_t t = 0; t < ids.size(); ++t) {
      float* row = x + (b * length + t) * h;
      const float* word = weights_.word_emb.data() + static_cast<size_t>(ids[t]) * h;
      const float* pos = weights_.position_emb.data() + t * h;
      for (size_t i = 0; i < h; ++i) row[i] = word[i] + pos[i] + weights_.type_emb[i];
    }
  }
  LayerNormRows(x, rows, h, weights_.emb_ln_g.data(), weights_.emb_ln_b.data(),
                config_.layer_norm_eps);

    for (size_t li = 0; li < weights_.layers.size(); ++li) {
    const BertLayerWeights& layer = weights_.layers[li];
    const Int8Layer* q = int8_layers_.empty() ? nullptr : &int8_layers_[li];
    Project(x, rows, h, layer.qkv_w, layer.qkv_b, q ? &q->qkv : nullptr, 3 * h, qkv,
            &scratch->quantized);
    Attention(qkv, batch.size(), length, batch, context);
    Project(context, rows, h, layer.attn_out_w, layer.attn_out_b,
            q ? &q->attn_out : nullptr, h, tmp, &scratch->quantized);
    AddInPlace(x, tmp, rows * h);
    LayerNormRows(x, rows, h, layer.attn_ln_g.data(), layer.attn_ln_b.data(),
                  config_.layer_norm_eps);
    Project(x, rows, h, layer.inter_w, layer.inter_b, q ? &q->inter : nullptr, inter,
            ff, &scratch->quantized);
    Gelu(ff, rows * inter);
    Project(ff, rows, inter, layer.out_w, layer.out_b, q ? &q->out : nullptr, h,
            tmp, &scratch->quantized);
    AddInPlace(x, tmp, rows * h);
    LayerNormRows(x, rows, h, layer.out_ln_g.data(), layer.out_ln_b.data(),
                  config_.layer_norm_eps);
  }

  for (size_t b = 0; b < batch.size(); ++b) {
    const size_t n = batch[b]->size();
    const float* first = x + b * length * h;
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
