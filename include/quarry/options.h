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
#include <optional>
#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry {

enum class EmbedderKind {
  kLexical,  // built-in feature-hashing embedder: needs no model, not semantic
  kLocal,    // a BERT-family sentence-transformers model run in process
  kStatic,   // a static token-embedding model (model2vec format): lookup and mean
  kOpenAi,   // any OpenAI-compatible /v1/embeddings service, over HTTP
};

// Arithmetic of a `local` embedder's linear layers. kInt8 is the fast path
// (about 3x the float32 speed on CPUs with AVX-512 VNNI; vectors within
// cosine 0.99 of float32's); it changes the vectors, so it is part of the
// embedder's fingerprint.
enum class EmbedderPrecision { kFloat32, kInt8 };

struct EmbedderConfig {
  EmbedderKind kind = EmbedderKind::kLexical;
  // Output dimensions. For `lexical`, more dimensions mean fewer hash
  // collisions (better ranking) at a linear cost in memory and scan time.
  // For `local` and `static`, the model decides: 0 takes its width, anything
  // else must equal it. For `openai` it is required, and every answer of the
  // service is checked against it.
  uint32_t dimensions = 1024;
  // `local` and `static`: the model folder. `openai`: the model name sent to
  // the service.
  std::string model;
  // `local` only: "float32" (default) or "int8".
  EmbedderPrecision precision = EmbedderPrecision::kFloat32;
  // `local` only: text put before each query / each document chunk, replacing
  // the prompts the model folder declares (config_sentence_transformers.json).
  // Unset keeps the model's; "" means no prompt.
  std::optional<std::string> query_prompt;
  std::optional<std::string> document_prompt;

  // `openai` only (docs/design/remote-and-static-embedders.md).
  // The service root, http:// or https:// (verified TLS): "http://127.0.0.1:11434/v1"
  // posts to /v1/embeddings; a URL with no path posts to /v1/embeddings too; a
  // URL ending in /embeddings (Azure's deployments) is used as it is.
  std::string base_url;
  // The NAME of the environment variable holding the API key (empty: no key).
  // The key itself is never stored in the config, logged, or put in errors.
  std::string api_key_env;
  // How the key is sent: "authorization" ("Authorization: Bearer KEY", OpenAI
  // and most services) or "api-key" ("api-key: KEY", Azure OpenAI).
  std::string api_key_header = "authorization";
  uint32_t max_batch = 96;      // texts per request; larger calls are split
  uint32_t timeout_ms = 30000;  // per attempt: connect, send and receive
  uint32_t max_retries = 4;     // on 429, 5xx and connection errors
  // The longest input in (estimated) tokens; chunking stays below it.
  uint32_t max_tokens = 512;
};

// How a section is cut into chunks (docs/design/chunking.md).
enum class ChunkingStrategy {
  kStructure,  // sentences packed to target_tokens, with overlap (the default)
  kSemantic,   // cut where neighbouring sentences' embeddings drift apart, then capped
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
  ChunkingStrategy strategy = ChunkingStrategy::kStructure;
  // Semantic only: a chunk ends where the cosine distance between neighbouring
  // sentence windows is above this percentile of the document's distances,
  // in (0, 100]. Higher: fewer, larger chunks; 100: no semantic breaks.
  double breakpoint_percentile = 95;
};

enum class Metric {
  kCosine,  // vectors are L2-normalized and compared by dot product
};

enum class QuantizationMode {
  kNone,    // float32 vectors walked by the graph
  kInt8,    // int8 codes (4x smaller) walked by the graph, rescored in float32
  kBinary,  // 1 bit per dimension (32x smaller), always rescored
  kAuto,    // by segment size: float32 under 100,000 rows, int8 to 1,000,000, binary beyond
};

struct VectorIndexConfig {
  Metric metric = Metric::kCosine;
  // HNSW: neighbours per node (2*m on the bottom level). More: better recall
  // on hard data, more memory, slower inserts.
  uint32_t m = 32;
  uint32_t ef_construct = 128;
  uint32_t ef = 64;  // default search-time candidate list, overridable per request
  // Segments with fewer live rows are searched by an exact scan.
  uint32_t full_scan_threshold = 10000;
  QuantizationMode quantization = QuantizationMode::kAuto;
  double quantile = 0.99;   // int8: fraction of values inside the clip range
  bool rescore = true;      // re-rank quantized candidates with float32 vectors
  double oversampling = 0;  // candidates rescored = k * oversampling; 0 = 2 (int8), 4 (binary)
  // Quantized codes of sealed segments are copied into RAM at open instead
  // of memory-mapped (read at open either way, and walked by every search;
  // copied, the kernel cannot page them out under memory pressure).
  bool always_ram = false;
};

enum class FsyncPolicy {
  kAlways,    // acknowledge a write once its log record is on stable storage
  kInterval,  // fsync every fsync_interval_ms: a power loss loses at most that window
  kNever,     // leave write-back to the OS: fastest, a power loss may lose recent writes
};

struct StorageConfig {
  FsyncPolicy fsync = FsyncPolicy::kAlways;
  uint32_t fsync_interval_ms = 100;
  // The in-memory segment is sealed into an on-disk segment at this many rows.
  uint32_t seal_rows = 10000;
  // Full-precision vectors of sealed segments are memory-mapped and paged by
  // the kernel instead of read into RAM (quantized codes always stay in RAM).
  bool on_disk_vectors = true;
  // Documents of sealed segments are decoded on each read from their
  // compressed, memory-mapped blocks (through a 32 MiB cache of decoded
  // blocks per collection) instead of all decoded into RAM at open. The
  // default since decoding everything at open cost 1.1 s and 894 MiB of heap
  // for 1M short documents, while reading the hits costs about 1 ms per query
  // of 10 hits when their blocks are not cached (docs/benchmarks.md, Storage).
  bool on_disk_payload = true;
  // The HNSW graph of sealed segments is memory-mapped and paged by the
  // kernel instead of copied into RAM at open.
  bool on_disk_graph = true;
};

// Keyword (BM25) search: how text becomes terms, and how terms are scored.
// The analyzer settings are fixed at creation (the postings are built with
// them); k1, b and the field weights only change scores, never the index.
struct KeywordConfig {
  // A Snowball language ("english", "french", "german", ...): chooses the
  // stemmer and the stopword list.
  std::string language = "english";
  bool stopwords = true;
  bool stem = true;
  // BM25F (docs/design/bm25.md): Lucene's and Anserini's defaults.
  double k1 = 0.9;
  double b = 0.4;
  double title_weight = 1.0;  // a chunk's document title counts as its own field
  double body_weight = 1.0;
};

struct CollectionConfig {
  EmbedderConfig embedder;
  ChunkingConfig chunking;
  VectorIndexConfig vectors;
  StorageConfig storage;
  KeywordConfig keyword;
};

// Limits on configuration values, shared by validation and documentation.
inline constexpr uint32_t kMinDimensions = 16;
inline constexpr uint32_t kMaxDimensions = 8192;
inline constexpr uint32_t kMaxEmbedderBatch = 2048;
inline constexpr uint32_t kMinEmbedderTimeoutMs = 100;
inline constexpr uint32_t kMaxEmbedderTimeoutMs = 600000;
inline constexpr uint32_t kMaxEmbedderRetries = 10;
inline constexpr size_t kMaxPromptBytes = 1024;  // embedder.query_prompt / document_prompt
inline constexpr uint32_t kMinTargetTokens = 8;
inline constexpr uint32_t kMaxTargetTokens = 8192;
inline constexpr double kMaxOverlap = 0.5;
inline constexpr uint32_t kMinSealRows = 16;
inline constexpr uint32_t kMaxSealRows = 10000000;

// Checks every field; the message names the first offending field and its range.
Status ValidateCollectionConfig(const CollectionConfig& config);

// Collection names: 1 to 64 characters from [A-Za-z0-9_-], not starting with '-'.
// They become directory names, so nothing else is accepted.
Status ValidateCollectionName(const std::string& name);

// The JSON form of a collection config, as in the body of PUT /api/collections/{name}:
//   {"embedder": {"type": "lexical", "dimensions": 1024},
//    (or {"type": "local" | "static", "model": "<folder>", "dimensions": 0}, or
//     {"type": "openai", "base_url", "model", "dimensions", "api_key_env",
//      "api_key_header", "max_batch", "timeout_ms", "max_retries", "max_tokens"})
//    "chunking": {"target_tokens": 256, "max_tokens": 0, "overlap": 0.1},
//    "vectors": {"metric": "cosine", "m": 32, "ef_construct": 128, "ef": 64,
//                "full_scan_threshold": 10000, "quantization": "auto", "quantile": 0.99,
//                "rescore": true, "oversampling": 0, "always_ram": false},
//    "storage": {"fsync": "always", "fsync_interval_ms": 100, "seal_rows": 10000,
//                "on_disk_vectors": true, "on_disk_payload": true, "on_disk_graph": true},
//    "keyword": {"language": "english", "stopwords": true, "stem": true, "k1": 0.9,
//                "b": 0.4, "title_weight": 1.0, "body_weight": 1.0}}
// Every field is optional (defaults above); unknown fields are rejected so that
// a typo is not silently ignored. The result is validated.
Result<CollectionConfig> CollectionConfigFromJson(std::string_view json);
std::string CollectionConfigToJson(const CollectionConfig& config);

std::string_view EmbedderKindName(EmbedderKind kind);
std::string_view EmbedderPrecisionName(EmbedderPrecision precision);
std::string_view MetricName(Metric metric);
std::string_view QuantizationModeName(QuantizationMode mode);
std::string_view FsyncPolicyName(FsyncPolicy policy);
std::string_view ChunkingStrategyName(ChunkingStrategy strategy);

struct EngineOptions {
  // Root of everything Quarry stores: <data_dir>/collections/<name>/...
  std::string data_dir;
  // Each collection merges its sealed segments on a thread of its own. A
  // process that exits as soon as its work is done (every command of the CLI
  // but `serve`) sets false: a merge it started would be cancelled at
  // exit and its work lost, after taking CPU and memory from the writes. It
  // calls Collection::Compact() when it wants the segments merged.
  bool background_merges = true;
};

}  // namespace quarry

#endif  // QUARRY_OPTIONS_H_
