// CachedSearch: the read path with the cache in front (ARCHITECTURE.md):
// result in L1, then L2; on a miss, the query embedding from L1, then L2,
// then the embedder; then the search, whose answer is stored under the state
// it reflects. Also counts what each request got (the hit rates users see)
// and remembers popular requests for warming.
//
// Thread-safety: every method may be called from any thread.
#ifndef QUARRY_CACHE_CACHED_SEARCH_H_
#define QUARRY_CACHE_CACHED_SEARCH_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cache/cache_options.h"
#include "cache/popular_queries.h"
#include "cache/two_tier_cache.h"
#include "quarry/engine.h"

namespace quarry::cache {

// What requests got, as X-Cache says.
struct RequestCounters {
  uint64_t l1 = 0;
  uint64_t l2 = 0;
  uint64_t miss = 0;
  uint64_t embedding_l1 = 0;  // misses whose query embedding came from L1
  uint64_t embedding_l2 = 0;
  uint64_t embedding_computed = 0;
  uint64_t warmed = 0;        // searches run by the warmer
};

class CachedSearch {
 public:
  explicit CachedSearch(const CacheOptions& options);

  struct Answer {
    std::shared_ptr<const SearchResponse> response;
    CacheTier tier = CacheTier::kMiss;
  };
  enum class Origin { kRequest, kWarming };

  // `body` is the request as received: remembered (if small) so that the
  // warmer can run it again. A warming search is not counted as a request.
  // Search = FromL1, then FromL2OrSearch when L1 missed.
  Result<Answer> Search(const Collection& collection, const SearchRequest& request,
                        std::string_view body, Origin origin = Origin::kRequest);

  // The first step: the L1 only, no network, so an IO thread may run it.
  // Counts the request as asked (popularity) and, on a hit, as an L1 hit.
  std::optional<Answer> FromL1(const Collection& collection, const SearchRequest& request,
                               std::string_view body, Origin origin = Origin::kRequest);
  // The second step, after FromL1 missed: the L2 (which may block for its
  // timeouts), then the embedding and the search. Stores the answer.
  Result<Answer> FromL2OrSearch(const Collection& collection, const SearchRequest& request,
                                Origin origin = Origin::kRequest);
  // Whether an L2 is configured.
  bool has_l2() const { return cache_.options().enabled && cache_.options().l2.has_value(); }
  // Whether FromL2OrSearch would call the network now (an L2 whose breaker
  // is not refusing calls): the server runs it off the IO thread then.
  bool may_block() const { return has_l2() && !cache_.L2Refusing(); }

  bool enabled() const { return cache_.options().enabled; }
  TwoTierCache& cache() { return cache_; }
  const TwoTierCache& cache() const { return cache_; }
  PopularQueries& popular() { return popular_; }
  const PopularQueries& popular() const { return popular_; }
  RequestCounters Counters() const;
  void ResetCounters();

 private:
  // The key of the query embedding `request` needs; empty when it needs none.
  std::string EmbeddingKeyFor(const Collection& collection, const SearchRequest& request) const;
  // The request with its query embedding filled in: `known` (found in a
  // cache tier) or computed by the embedder and stored.
  Result<SearchRequest> WithQueryVector(const Collection& collection, const SearchRequest& request,
                                        const std::string& embedding_key,
                                        std::shared_ptr<const std::vector<float>> known,
                                        CacheTier known_tier, Origin origin);

  TwoTierCache cache_;
  PopularQueries popular_;
  std::atomic<uint64_t> l1_{0}, l2_{0}, miss_{0}, embedding_l1_{0}, embedding_l2_{0},
      embedding_computed_{0}, warmed_{0};
};

}  // namespace quarry::cache

#endif  // QUARRY_CACHE_CACHED_SEARCH_H_
