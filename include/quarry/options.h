// Configuration of an engine and of its collections.
//
// A CollectionConfig is validated once, when the collection is created
// (ValidateCollectionConfig); afterwards only search-time parameters can be
// overridden per request.
//
// Thread-safety: plain values.
#ifndef QUARRY_OPTIONS_H_
#define QUARRY_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry {

enum class EmbedderKind {
  kLexical,  // built-in feature-hashing embedder: needs no model, not semantic
};

struct EmbedderConfig {
  EmbedderKind kind = EmbedderKind::kLexical;
  // Output dimensions. For `lexical`, more dimensions mean fewer hash
  // collisions (better ranking) at a linear cost in memory and scan time.
  uint32_t dimensions = 1024;
};

struct ChunkingConfig {
  // Preferred chunk size, in the embedder's own tokens.
  uint32_t target_tokens = 256;
  // Hard cap, in the embedder's tokens; 0 means the embedder's maximum input.
  // Never above the embedder's maximum: a chunk the model would truncate is a bug.
  uint32_t max_tokens = 0;
  // Fraction of target_tokens repeated from the end of one chunk at the start
  // of the next, in whole sentences.
  double overlap = 0.1;
};

enum class Metric {
  kCosine,  // vectors are L2-normalized and compared by dot product
};

struct VectorIndexConfig {
  Metric metric = Metric::kCosine;
};

struct CollectionConfig {
  EmbedderConfig embedder;
  ChunkingConfig chunking;
  VectorIndexConfig vectors;
};

// Limits on configuration values, shared by validation and documentation.
inline constexpr uint32_t kMinDimensions = 16;
inline constexpr uint32_t kMaxDimensions = 8192;
inline constexpr uint32_t kMinTargetTokens = 8;
inline constexpr uint32_t kMaxTargetTokens = 8192;
inline constexpr double kMaxOverlap = 0.5;

// Checks every field; the message names the first offending field and its range.
Status ValidateCollectionConfig(const CollectionConfig& config);

// Collection names: 1 to 64 characters from [A-Za-z0-9_-], not starting with '-'.
// They become directory names, so nothing else is accepted.
Status ValidateCollectionName(const std::string& name);

// The JSON form of a collection config, as in the body of PUT /api/collections/{name}:
//   {"embedder": {"type": "lexical", "dimensions": 1024},
//    "chunking": {"target_tokens": 256, "max_tokens": 0, "overlap": 0.1},
//    "vectors": {"metric": "cosine"}}
// Every field is optional (defaults above); unknown fields are rejected so that
// a typo is not silently ignored. The result is validated.
Result<CollectionConfig> CollectionConfigFromJson(std::string_view json);
std::string CollectionConfigToJson(const CollectionConfig& config);

std::string_view EmbedderKindName(EmbedderKind kind);
std::string_view MetricName(Metric metric);

struct EngineOptions {
  // Root of everything Quarry stores: <data_dir>/collections/<name>/...
  std::string data_dir;
};

}  // namespace quarry

#endif  // QUARRY_OPTIONS_H_
