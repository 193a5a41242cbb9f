// The Redis side of bench/cache, through hiredis: waiting for a fresh
// redis-server to answer, what the cache stored in it, and the peer floor:
// the round trip of a plain GET of a value of the cached size, which is what
// any L2 hit must pay at least.
//
// Thread-safety: one RedisConnection per thread.
#ifndef QUARRY_BENCH_CACHE_REDIS_PEER_H_
#define QUARRY_BENCH_CACHE_REDIS_PEER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "common/latency.h"
#include "quarry/status.h"

struct redisContext;

namespace quarry::bench {

class RedisConnection {
 public:
  // Connects to 127.0.0.1:port; retries until `wait` has passed (a
  // redis-server that was just started may not listen yet).
  static Result<std::unique_ptr<RedisConnection>> Connect(uint16_t port,
                                                          std::chrono::milliseconds wait);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // The reply of a command given as separate arguments, as a string: a
  // status or bulk string as is, an integer in decimal, nil as "". An error
  // reply or a lost connection is an error.
  Result<std::string> Command(const std::vector<std::string>& args);

  // The sizes in bytes of every string value in the database (SCAN +
  // STRLEN), grouped by their key up to its last ':' ("quarry:v1:r" for
  // "quarry:v1:r:<hash>").
  Result<std::map<std::string, std::vector<double>>> StringValueSizes();

  // `iterations` GETs of one key holding `value_bytes` bytes, one at a time,
  // each timed from send to reply: the floor under any L2 hit. The key is
  // removed afterwards.
  Result<LatencySummary> MeasureGet(size_t value_bytes, size_t iterations);

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}
  redisContext* context_;
};

// Binds an ephemeral loopback port and releases it: a port that was free a
// moment ago, for a redis-server to listen on.
Result<uint16_t> PickFreePort();

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_CACHE_REDIS_PEER_H_
