// TwoTierCache: search results and query embeddings in an in-process L1
// (ShardedLruCache) in front of a shared L2 over the Redis protocol.
//
// Lookups try L1 (GetResultL1, GetEmbeddingL1), then L2 (GetL2: a result and
// the embedding a miss needs, in one round trip); an L2 hit is copied into L1.
// Stores go to both.
// The L2 is best effort: any failure (down, slow, garbage) counts as a miss
// and is counted; a circuit breaker stops calling it while it fails, and the
// caller never sees an error. Values read from the L2 are verified
// (value_codec.h); a bad one is counted as corrupt and ignored.
//
// Thread-safety: every method may be called from any thread. L2 calls block
// for at most the Redis timeouts; the breaker bounds how often.
#ifndef QUARRY_CACHE_TWO_TIER_CACHE_H_
#define QUARRY_CACHE_TWO_TIER_CACHE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_options.h"
#include "cache/circuit_breaker.h"
#include "cache/lru_cache.h"
#include "cache/redis_client.h"
#include "quarry/search.h"

namespace quarry::cache {

enum class CacheTier { kL1, kL2, kMiss };
std::string_view CacheTierName(CacheTier tier);  // "l1", "l2", "miss"

// L2 outcomes of one kind of value.
struct L2Counters {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t corrupt = 0;   // present but refused by the decoder (counted as misses too)
  uint64_t errors = 0;    // the call failed (down, timeout, protocol)
  uint64_t skipped = 0;   // lookups not tried: the breaker was open
  uint64_t writes = 0;
  uint64_t write_errors = 0;
  uint64_t write_skipped = 0;  // writes not tried: the breaker was open
};

struct CacheStats {
  LruCounters l1_results;
  LruCounters l1_embeddings;
  bool l2_configured = false;
  std::string l2_address;
  CircuitBreaker::State l2_breaker = CircuitBreaker::State::kClosed;
  uint64_t l2_breaker_opened = 0;
  L2Counters l2_results;
  L2Counters l2_embeddings;
};

class TwoTierCache {
 public:
  explicit TwoTierCache(const CacheOptions& options);

  struct ResultHit {
    std::shared_ptr<const SearchResponse> response;  // null on a miss
    CacheTier tier = CacheTier::kMiss;
  };
  ResultHit GetResultL1(const std::string& key);  // never blocks on the network
  void PutResult(const std::string& key, std::shared_ptr<const SearchResponse> response);

  struct EmbeddingHit {
    std::shared_ptr<const std::vector<float>> vector;
    CacheTier tier = CacheTier::kMiss;
  };
  EmbeddingHit GetEmbeddingL1(const std::string& key);

  // One L2 round trip (MGET) for a result and, when `embedding_key` is not
  // empty, the query embedding a miss would need. Hits are copied into L1.
  struct L2Lookup {
    std::shared_ptr<const SearchResponse> response;
    std::shared_ptr<const std::vector<float>> embedding;
  };
  L2Lookup GetL2(const std::string& result_key, const std::string& embedding_key);

  // Where L2 writes run. Unset, a Put writes to the L2 before it returns;
  // the server hands them to its CPU pool, so that a miss is answered
  // without waiting for them. REQUIRES: called before the cache is shared.
  using Executor = std::function<void(std::function<void()>)>;
  void SetL2WriteExecutor(Executor executor) { l2_writer_ = std::move(executor); }
  // True while the L2's breaker refuses calls: a lookup now costs no network.
  bool L2Refusing() const { return l2_ == nullptr || breaker_.IsRefusing(); }
  void PutEmbedding(const std::string& key, std::shared_ptr<const std::vector<float>> vector);

  // Raw L2 access for small shared records (the popular-query list).
  std::optional<std::string> GetRawL2(const std::string& key);
  void PutRawL2(const std::string& key, const std::string& value);

  CacheStats Stats() const;
  // Empties L1, deletes this deployment's keys (the key prefix) from L2 and
  // resets every counter but the breaker's. Returns how many L2 keys were
  // deleted, or the L2's error.
  Result<uint64_t> Clear();

  const CacheOptions& options() const { return options_; }

 private:
  struct AtomicL2Counters {
    std::atomic<uint64_t> hits{0}, misses{0}, corrupt{0}, errors{0}, skipped{0}, writes{0},
        write_errors{0}, write_skipped{0};
    L2Counters Load() const;
    void Reset();
  };

  // Several keys in one round trip; nullopt when the call failed or was
  // skipped (counted in `counters`). Absent keys are counted by the caller,
  // which knows their kind.
  std::optional<std::vector<std::optional<std::string>>> L2MGet(const std::vector<std::string>& keys,
                                                 AtomicL2Counters& counters);
  // Decoded L2 values, counted as hits, misses or corrupt; hits go to L1.
  std::shared_ptr<const SearchResponse> AcceptResult(const std::string& key,
                                                     const std::optional<std::string>& bytes);
  std::shared_ptr<const std::vector<float>> AcceptEmbedding(const std::string& key,
                                                            const std::optional<std::string>& bytes);
  void WriteL2(std::function<void()> write);
  void L2Set(const std::string& key, const std::string& value, AtomicL2Counters& counters);

  const CacheOptions options_;
  ShardedLruCache<SearchResponse> results_;
  ShardedLruCache<std::vector<float>> embeddings_;
  std::unique_ptr<RedisClient> l2_;  // null without an L2
  mutable CircuitBreaker breaker_;
  Executor l2_writer_;
  AtomicL2Counters l2_results_, l2_embeddings_, l2_raw_;
};

}  // namespace quarry::cache

#endif  // QUARRY_CACHE_TWO_TIER_CACHE_H_
