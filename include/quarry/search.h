// Search requests and responses.
//
// Thread-safety: plain values.
#ifndef QUARRY_SEARCH_H_
#define QUARRY_SEARCH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace quarry {

inline constexpr uint32_t kMaxK = 1000;
inline constexpr size_t kMaxQueryBytes = 16 * 1024;
inline constexpr uint32_t kMaxEf = 4096;
inline constexpr float kMaxOversampling = 64;

struct SearchRequest {
  std::string query;
  uint32_t k = 10;  // 1..kMaxK
  // Search-time overrides of the collection's vector settings (0 / unset:
  // the collection's). ef: HNSW candidate list, k..kMaxEf. rescore: re-rank
  // quantized candidates in float32. oversampling: 1..kMaxOversampling.
  uint32_t ef = 0;
  std::optional<bool> rescore;
  float oversampling = 0;
};

struct SearchHit {
  std::string document_id;
  uint32_t chunk = 0;  // ordinal of the chunk within its document
  float score = 0;     // cosine similarity, higher is better
  std::string text;    // the chunk's text
  std::string title;   // the document's title
  std::string heading;  // heading path of the chunk ("Intro > Setup"), if any
  // Offsets of the chunk in the document's extracted text, in Unicode code points.
  uint32_t start = 0;
  uint32_t end = 0;
};

struct SearchResponse {
  std::vector<SearchHit> hits;
  uint64_t generation = 0;  // the collection generation the answer reflects
  double embed_ms = 0;
  double search_ms = 0;
  double total_ms = 0;
};

}  // namespace quarry

#endif  // QUARRY_SEARCH_H_
