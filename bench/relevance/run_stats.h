// RunStats: what one engine's pass over the queries measured: relevance
// (search/relevance_metrics.h) and per-query latency, reduced to throughput
// and percentiles.
//
// Thread-safety: plain values.
#ifndef QUARRY_BENCH_RELEVANCE_RUN_STATS_H_
#define QUARRY_BENCH_RELEVANCE_RUN_STATS_H_

#include <string>
#include <vector>

#include "search/relevance_metrics.h"

namespace quarry::bench {

struct RunStats {
  std::string engine;
  std::string config;                  // parameters, human-readable
  search::RelevanceSummary relevance;  // means
  size_t timed_queries = 0;            // queries x passes
  double total_seconds = 0;            // sum of per-query latencies
  double p50_ms = 0;
  double p99_ms = 0;
  double index_seconds = 0;
  double index_mib = 0;

  double qps() const { return total_seconds > 0 ? timed_queries / total_seconds : 0; }
};

// Fills timed_queries, total_seconds, p50_ms and p99_ms from per-query
// latencies in seconds (nearest-rank percentiles).
void SummarizeLatencies(std::vector<double> seconds, RunStats* stats);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_RELEVANCE_RUN_STATS_H_
