// The figures of one replay: searches per cache tier, hit rates, throughput,
// and latency per tier as the client saw it (round trip) and as the server
// measured it (X-Response-Time).
//
// Thread-safety: pure function.
#ifndef QUARRY_BENCH_CACHE_RUN_SUMMARY_H_
#define QUARRY_BENCH_CACHE_RUN_SUMMARY_H_

#include <cstdint>
#include <vector>

#include <boost/json/object.hpp>

#include "replay.h"

namespace quarry::bench {

// {"searches", "answered", "errors", "aborted", "error_examples", "wall_s",
//  "searches_per_s" (answered / wall_s), "tiers" {"l1", "l2", "miss", "none",
//  "other", "failed": counts}, "hit_rate", "l1_hit_rate", "l2_hit_rate" (of
//  all searches sent), "latency" {"all", "l1", "l2", "miss", "none", "first":
//  {"client", "server": LatencySummary}} (a tier with no search is left out).
// "first" holds the first sighting of each query in `sequence` (the one the
// replay sent): the searches that miss a cache that started empty, and so,
// in an uncached run, the fair baseline for misses (the same queries, not
// the Zipf mix where the popular ones weigh most).
boost::json::object SummarizeReplay(const ReplayResult& replay,
                                    const std::vector<uint32_t>& sequence);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_CACHE_RUN_SUMMARY_H_
