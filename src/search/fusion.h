// Fusion: one ranked list out of the keyword (BM25) and the vector retriever's
// lists, for hybrid search, with what each hit needs to explain itself.
//
// Two methods (docs/design/hybrid-search.md):
//   kRrf    reciprocal rank fusion (Cormack, Clarke and Büttcher 2009):
//             fused(d) = Σ_r 1 / (rrf_k + rank_r(d))
//           over the retrievers that returned d, ranks 1-based. Scores are
//           ignored, so BM25 and cosine need no calibration. The default.
//   kBlend  a weighted blend of min-max normalized scores (Weaviate's
//           "relativeScoreFusion"):
//             norm_r(d) = (score_r(d) − min_r) / (max_r − min_r)
//             fused(d)  = alpha · norm_vector(d) + (1 − alpha) · norm_keyword(d)
//           min_r and max_r are over the list retriever r returned. When
//           max_r == min_r (a single hit, or all scores equal) every hit of r
//           normalizes to 1: each is the best r found, and 0 would erase r's
//           vote. A retriever that did not return d contributes 0.
//
// Inputs are each retriever's hits best first; a hit's rank is its position
// (1-based), so the lists need not be re-sorted and scores that tie keep the
// retriever's own order. A key listed twice in one list counts once, at its
// first (best) position. The output holds every key of either list, by fused
// score descending; ties go to the better best rank (the smaller of a hit's
// ranks in the two lists), then to the smaller key, so the order is total and
// the same for the same inputs (pagination can slice it).
//
// Thread-safety: pure functions.
#ifndef QUARRY_SEARCH_FUSION_H_
#define QUARRY_SEARCH_FUSION_H_

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "quarry/status.h"

namespace quarry::search {

// Identifies one chunk within one snapshot of a collection: `segment` is any
// number the engine gives each segment it searches (a sealed segment's id, a
// reserved one for the mutable segment) and `row` the chunk's row in it. Keys
// only need to be equal for the same chunk in both retrievers and ordered;
// their order is the last tie-break.
struct ChunkKey {
  uint64_t segment = 0;
  uint32_t row = 0;

  friend auto operator<=>(const ChunkKey&, const ChunkKey&) = default;
};

// One hit of one retriever. Higher scores are better.
struct RankedHit {
  ChunkKey key;
  double score = 0;
};

enum class Retriever { kKeyword = 0, kVector = 1 };
inline constexpr size_t kRetrieverCount = 2;
std::string_view RetrieverName(Retriever r);  // "keyword", "vector"

enum class FusionMethod { kRrf, kBlend };
std::string_view FusionMethodName(FusionMethod m);  // "rrf", "blend"
// Parses "rrf" or "blend"; InvalidArgument otherwise.
Result<FusionMethod> ParseFusionMethod(std::string_view name);

struct FusionOptions {
  static constexpr double kDefaultRrfK = 60;  // Cormack et al.'s constant
  static constexpr double kMaxRrfK = 1e6;

  FusionMethod method = FusionMethod::kRrf;
  double rrf_k = kDefaultRrfK;  // kRrf: in [0, kMaxRrfK]
  double alpha = 0.5;           // kBlend: weight of the vector retriever, in [0, 1]
  size_t limit = 0;             // keep at most this many fused hits; 0 keeps all
};

// InvalidArgument naming the bad option.
Status ValidateFusionOptions(const FusionOptions& options);

// What one retriever says about a fused hit.
struct RetrieverContribution {
  uint32_t rank = 0;        // 1-based position in the retriever's list
  double score = 0;         // the retriever's own score
  double normalized = 0;    // kBlend: the min-max normalized score; kRrf: 0
  double contribution = 0;  // the part of the fused score it gave
};

struct FusedHit {
  ChunkKey key;
  double score = 0;  // fused
  // Indexed by Retriever; empty where that retriever did not return the key.
  std::array<std::optional<RetrieverContribution>, kRetrieverCount> from;

  const std::optional<RetrieverContribution>& of(Retriever r) const {
    return from[static_cast<size_t>(r)];
  }
  // The smallest rank of the key in any list.
  uint32_t best_rank() const;
  // The fraction of the fused score that `r` gave, in [0, 1]; 0 when absent
  // or when the fused score is 0.
  double share(Retriever r) const;
};

// Fuses the two lists. InvalidArgument for bad options, or (kBlend) a score
// that is not finite.
Result<std::vector<FusedHit>> Fuse(std::span<const RankedHit> keyword,
                                   std::span<const RankedHit> vector, const FusionOptions& options);

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_FUSION_H_
