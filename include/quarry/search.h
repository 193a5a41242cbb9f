// Search requests and responses.
//
// Three modes (docs/design/hybrid-search.md): `keyword` (BM25 over the
// chunks' title and text), `vector` (nearest neighbours of the query's
// embedding) and `hybrid` (both, fused). Every chunk is a hit of its own
// unless the request groups hits by document.
//
// Thread-safety: plain values.
#ifndef QUARRY_SEARCH_H_
#define QUARRY_SEARCH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quarry {

inline constexpr uint32_t kMaxK = 1000;
// offset + k may not exceed this: deep pages cost every retriever the whole
// prefix (Elasticsearch's max_result_window, smaller).
inline constexpr uint32_t kMaxResultWindow = 1000;
inline constexpr size_t kMaxQueryBytes = 16 * 1024;
inline constexpr uint32_t kMaxEf = 4096;
inline constexpr float kMaxOversampling = 64;
inline constexpr uint32_t kMaxCandidates = 4000;
// The blend weight of the vector retriever when the embedder is lexical,
// chosen on BEIR SciFact's training queries (docs/design/hybrid-search.md).
inline constexpr double kLexicalBlendAlpha = 0.2;

enum class SearchMode {
  kAuto,     // hybrid (every collection has an embedder)
  kKeyword,  // BM25 only
  kVector,   // nearest neighbours only
  kHybrid,   // both retrievers, fused
};

enum class FusionMethod {
  kRrf,    // reciprocal rank fusion: sum of 1 / (rrf_k + rank); scores ignored
  kBlend,  // alpha * normalized vector score + (1 - alpha) * normalized BM25
};

enum class GroupBy {
  kNone,      // one hit per chunk
  kDocument,  // the best chunk of each document, with how many of its chunks matched
};

// Highlighted snippets: HTML with the query's terms (as the keyword analyzer
// sees them: stems, case) wrapped in pre_tag / post_tag, over the densest
// window of the chunk's text.
struct HighlightOptions {
  static constexpr uint32_t kMaxWindowChars = 100000;
  static constexpr size_t kMaxTagBytes = 64;

  bool enabled = false;
  uint32_t window_chars = 200;  // about this many characters; 0 = the whole chunk
  std::string pre_tag = "<mark>";
  std::string post_tag = "</mark>";
};

struct SearchRequest {
  std::string query;
  // The query's embedding when the caller already has it (a cache of query
  // embeddings, say): used instead of embedding `query`, which keyword search
  // and snippets still read. Empty = embed `query`. Otherwise it must have the
  // collection embedder's dimensions and come from the same model
  // (Collection::EmbedQuery).
  std::vector<float> query_vector;
  uint32_t k = 10;      // 1..kMaxK
  uint32_t offset = 0;  // hits skipped (pagination); offset + k <= kMaxResultWindow
  SearchMode mode = SearchMode::kAuto;
  // A metadata filter in Qdrant's shape ({"must": [...], "should": [...],
  // "must_not": [...]}, docs/design/filters.md), applied to both retrievers
  // before fusion; empty = no filter.
  std::string filter_json;
  GroupBy group_by = GroupBy::kNone;
  // Hybrid fusion; unset = the collection's default: reciprocal rank fusion
  // (rrf_k 60) with a semantic embedder; with the lexical embedder, whose
  // vectors see the same words as BM25, a blend weighted towards BM25
  // (alpha kLexicalBlendAlpha; docs/design/hybrid-search.md says why).
  std::optional<FusionMethod> fusion;
  double rrf_k = 60;  // kRrf: 0..1e6
  // kBlend: weight of the vector retriever, 0..1; unset = 0.5, or
  // kLexicalBlendAlpha with the lexical embedder.
  std::optional<double> alpha;
  // Hits each retriever contributes to a fusion or a grouping; 0 = automatic:
  // offset + k (keyword, vector), max(100, offset + k) (hybrid), times 4 when
  // grouping by document. At most kMaxCandidates. Pages are slices of one
  // list when every page asks for the same depth (set it explicitly to page
  // past the automatic depth).
  uint32_t candidates = 0;
  bool explain = false;  // fill SearchHit::explanation
  HighlightOptions highlight;
  // Search-time overrides of the collection's vector settings (0 / unset:
  // the collection's). ef: HNSW candidate list, k..kMaxEf. rescore: re-rank
  // quantized candidates in float32. oversampling: 1..kMaxOversampling.
  uint32_t ef = 0;
  std::optional<bool> rescore;
  float oversampling = 0;
};

// What one retriever said about a hit.
struct RetrieverExplanation {
  uint32_t rank = 0;        // 1-based position in the retriever's list
  double score = 0;         // BM25 score, or cosine similarity
  double normalized = 0;    // blend fusion: the min-max normalized score
  double contribution = 0;  // the part of the hit's score it gave
  double share = 0;         // contribution / score, in [0, 1]
};

struct HitExplanation {
  std::optional<RetrieverExplanation> keyword;  // absent: the retriever did not return it
  std::optional<RetrieverExplanation> vector;
};

struct SearchHit {
  std::string document_id;
  uint32_t chunk = 0;  // ordinal of the chunk within its document
  // Higher is better: cosine (vector), BM25 (keyword), the fused score (hybrid).
  double score = 0;
  std::string text;     // the chunk's text
  std::string title;    // the document's title
  std::string heading;  // heading path of the chunk ("Intro > Setup"), if any
  uint32_t page = 0;    // 1-based page of the chunk in a paged format (PDF); 0 = none
  // Offsets of the chunk in the document's extracted text, in Unicode code points.
  uint32_t start = 0;
  uint32_t end = 0;
  std::string snippet;  // highlighted HTML, when asked for
  // Chunk scores (docs/design/chunk-scores.md), both in [0, 1], computed for
  // the returned hits from the collection's keyword statistics at query time.
  // importance: mean normalized IDF of the chunk's analyzed terms (how rare,
  // hence how content-bearing, its vocabulary is in this collection).
  // semantic_density: mean pairwise cosine of its sentences' TF-IDF vectors
  // (how much its sentences talk about the same things); 1 for one sentence.
  double importance = 0;
  double semantic_density = 0;
  uint32_t matching_chunks = 0;  // GroupBy::kDocument: chunks of the document among the candidates
  std::optional<HitExplanation> explanation;  // when asked for
};

struct SearchResponse {
  std::vector<SearchHit> hits;
  SearchMode mode = SearchMode::kHybrid;  // the mode that ran (kAuto resolved)
  uint64_t generation = 0;                // the collection generation the answer reflects
  std::string state_digest;               // and its state digest (CollectionState)
  // Time per stage, milliseconds.
  double embed_ms = 0;    // query embedding
  double keyword_ms = 0;  // query analysis and BM25 over every segment
  double vector_ms = 0;   // vector search over every segment
  double filter_ms = 0;   // turning the filter into allowed rows
  double fusion_ms = 0;   // fusion, grouping, the page's slice
  double fetch_ms = 0;    // reading the hits' documents, snippets, chunk scores
  double search_ms = 0;   // everything after embedding
  double total_ms = 0;
};

std::string_view SearchModeName(SearchMode mode);        // "auto", "keyword", "vector", "hybrid"
// The inverse of SearchModeName; nullopt for any other name.
std::optional<SearchMode> SearchModeFromName(std::string_view name);
std::string_view FusionMethodName(FusionMethod method);  // "rrf", "blend"
std::string_view GroupByName(GroupBy group_by);          // "none", "document"

}  // namespace quarry

#endif  // QUARRY_SEARCH_H_
