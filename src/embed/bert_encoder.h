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
#include <string_view>
#include <vector>

#include "embed/bert_config.h"
#include "embed/bert_weights.h"
#include "embed/kernels/float_kernels.h"
#include "embed/kernels/int8_gemm.h"
#include "embed/worker_group.h"

namespace quarry::embed {

// Arithmetic of the linear layers (QKV, attention output, feed-forward).
// kInt8 quantizes activations per row and weights per output channel and
// multiplies in int8 with int32 sums (docs/design/local-embedder.md); its
// vectors differ slightly from float32's, so it is part of the fingerprint.
enum class Precision { kFloat32, kInt8 };

// "float32" | "int8" -> the Precision; InvalidArgument otherwise.
Result<Precision> ParsePrecision(std::string_view name);
const char* PrecisionName(Precision precision);

struct BertEncoderOptions {
  // Sequences per forward pass.
  size_t max_batch = 32;
  // Threads for the matrix products; 0 leaves OpenBLAS's default (the cores).
  int num_threads = 0;
  Precision precision = Precision::kFloat32;
};

class BertEncoder {
 public:
  // Heads up to this width use the fused attention kernel; wider ones OpenBLAS.
  static constexpr size_t kMaxFusedHeadDim = 256;
  // Element-wise steps smaller than this (in floats touched) run on the
  // calling thread: waking the workers costs more (a single short query).
  static constexpr size_t kParallelFloats = size_t{1} << 16;

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
  const BertEncoderOptions& options() const { return options_; }
  // The instruction set of the int8 kernel ("avx512-vnni", "avx2",
  // "scalar"), or "" for float32. $QUARRY_ISA caps it, as for the vector
  // kernels ("scalar", "avx2").
  const char* kernel_name() const { return int8_kernels_ ? int8_kernels_->name : ""; }

 private:
  // Runs sequences `batch` (all of length <= `length`) through the model and
  // writes their pooled, normalized vectors to out[i * hidden_size].
  // Buffers of one Encode call, reused by its batches.
  struct Scratch {
    std::vector<float> x, qkv, context, tmp, ff;
    QuantizedRows quantized;
  };

  void ForwardBatch(std::span<const std::vector<int32_t>* const> batch, size_t length,
                    std::span<float* const> out, Scratch* scratch) const;
  void Attention(const float* qkv, size_t batch_size, size_t length,
                 std::span<const std::vector<int32_t>* const> batch, float* context) const;

  // GELU of n floats, split across the worker threads.
  void Gelu(float* x, size_t n) const;
  // y[rows, out] = x[rows, in] * W^T + b: float32 (OpenBLAS) or, when
  // `packed` is set, int8 (x quantized into `scratch`).
  void Project(const float* x, size_t rows, size_t in, const std::vector<float>& w,
               const std::vector<float>& b, const PackedInt8Weights* packed, size_t out,
               float* y, QuantizedRows* scratch) const;

  struct Int8Layer {
    PackedInt8Weights qkv, attn_out, inter, out;
  };

  BertConfig config_;
  BertWeights weights_;
  BertEncoderOptions options_;
  // Attention, GELU and the row quantizer; threads for them and the int8 products.
  const FloatKernels* float_kernels_ = nullptr;
  std::unique_ptr<WorkerGroup> workers_;
  // Precision::kInt8 only.
  std::vector<Int8Layer> int8_layers_;
  const Int8Kernels* int8_kernels_ = nullptr;
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_BERT_ENCODER_H_
