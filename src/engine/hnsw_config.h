// The HNSW parameters of a sealed segment, from the collection's config.
//
// Thread-safety: pure function.
#ifndef QUARRY_ENGINE_HNSW_CONFIG_H_
#define QUARRY_ENGINE_HNSW_CONFIG_H_

#include <cstddef>

#include "quarry/options.h"
#include "vector/hnsw_index.h"

namespace quarry::engine {

// `rows` is the size of the segment being built: quantization `auto` picks
// float32, int8 or binary by it (vector::ChooseQuantization).
vector::HnswConfig HnswConfigFor(const CollectionConfig& config, size_t rows);

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_HNSW_CONFIG_H_
