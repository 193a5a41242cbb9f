#include "vector/hnsw_state.h"

#include "vector/hnsw_codes.h"

namespace quarry::vector {

HnswState::HnswState(uint32_t dimensions, const HnswConfig& cfg)
    : dims(dimensions),
      config(cfg),
      kernels(&BestKernels()),
      vectors(size_t{dimensions} * sizeof(float)),
      // A store needs a positive stride even when there are no codes.
      codes(cfg.quantization == Quantization::kNone ? 1 : CodeStride(cfg.quantization, dimensions)),
      graph(cfg.m) {}

float HnswState::DefaultOversampling() const {
  if (config.oversampling > 0) return config.oversampling;
  switch (config.quantization) {
    case Quantization::kInt8:
      return 2.0f;
    case Quantization::kBinary:
      return 4.0f;
    case Quantization::kNone:
      break;
  }
  return 1.0f;
}

size_t HnswState::QuantizerBytes() const {
  if (scalar.has_value()) return 2 * scalar->dims() * sizeof(float);
  if (binary.has_value()) return binary->dims() * sizeof(float);
  return 0;
}

}  // namespace quarry::vector
