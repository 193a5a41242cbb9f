// Options of the two-tier cache (docs/design/cache.md). Defaults follow the
// roadmap: query embeddings 10,000 entries for 300 s and search results 5,000
// entries for 60 s in process; one hour in the L2; warming of the 100 most
// popular queries every 300 s.
//
// Thread-safety: a plain value.
#ifndef QUARRY_CACHE_CACHE_OPTIONS_H_
#define QUARRY_CACHE_CACHE_OPTIONS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "cache/cache_key.h"
#include "cache/circuit_breaker.h"
#include "cache/redis_client.h"
#include "cache/value_codec.h"

namespace quarry::cache {

struct CacheOptions {
  bool enabled = true;
  size_t embedding_entries = 10000;
  std::chrono::seconds embedding_ttl{300};
  size_t result_entries = 5000;
  std::chrono::seconds result_ttl{60};

  std::optional<RedisOptions> l2;  // unset = no L2
  uint32_t l2_ttl_seconds = 3600;
  size_t compress_above = kDefaultCompressAboveBytes;
  BreakerOptions breaker;
  std::string key_prefix = std::string(kDefaultKeyPrefix);

  std::chrono::seconds warm_interval{300};  // 0 = no warming
  size_t warm_top = 100;
  size_t popular_capacity = 1000;
};

}  // namespace quarry::cache

#endif  // QUARRY_CACHE_CACHE_OPTIONS_H_
