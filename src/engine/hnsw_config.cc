#include "engine/hnsw_config.h"

namespace quarry::engine {

vector::HnswConfig HnswConfigFor(const CollectionConfig& config, size_t rows) {
  const VectorIndexConfig& v = config.vectors;
  vector::HnswConfig h;
  h.distance = vector::DistanceKind::kCosine;
  h.m = v.m;
  h.ef_construct = v.ef_construct;
  h.ef_search = v.ef;
  h.full_scan_threshold = v.full_scan_threshold;
  switch (v.quantization) {
    case QuantizationMode::kNone: h.quantization = vector::Quantization::kNone; break;
    case QuantizationMode::kInt8: h.quantization = vector::Quantization::kInt8; break;
    case QuantizationMode::kBinary: h.quantization = vector::Quantization::kBinary; break;
    case QuantizationMode::kAuto: h.quantization = vector::ChooseQuantization(rows); break;
  }
  h.quantile = static_cast<float>(v.quantile);
  h.rescore = v.rescore;
  h.oversampling = static_cast<float>(v.oversampling);
  return h;
}

}  // namespace quarry::engine
