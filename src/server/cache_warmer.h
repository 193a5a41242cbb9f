// Cache warming: re-runs the most popular searches so that their answers are
// in the cache before they are asked again (after their TTL ran out, after a
// write moved the collection to a new state, or on a server that just
// started).
//
// The popular list is this server's (cache/popular_queries.h). With an L2,
// each run also publishes it there (key <prefix>popular), and a server whose
// own list is still empty (it just started) warms from the list its peers
// published. Searches run one after another on one CPU-pool thread, and the
// run stops early when requests are waiting for the pool or the server is
// stopping: warming never delays a request by more than one search.
//
// Thread-safety: WarmCache may run on any thread; HttpServer runs it on the
// CPU pool every CacheOptions::warm_interval, and once at start.
#ifndef QUARRY_SERVER_CACHE_WARMER_H_
#define QUARRY_SERVER_CACHE_WARMER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "cache/popular_queries.h"
#include "server/server_context.h"

namespace quarry::server {

struct WarmingReport {
  size_t candidates = 0;  // popular searches considered
  size_t searched = 0;    // not in L1: run (their answer came from L2 or was computed)
  size_t failed = 0;      // unknown collection, bad body: skipped
  bool from_peers = false;
  bool interrupted = false;
};

WarmingReport WarmCache(ServerContext& context);

// The popular list as published in the L2, and back. Decoding treats the
// bytes as hostile: a malformed list is empty, bad entries are dropped.
std::string EncodePopularList(const std::vector<cache::PopularQuery>& queries);
std::vector<cache::PopularQuery> DecodePopularList(std::string_view bytes, size_t max_entries);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_CACHE_WARMER_H_
