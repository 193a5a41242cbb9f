// Summary of a set of latencies (percentiles by the nearest-rank method).
//
// Thread-safety: plain values and pure functions.
#ifndef QUARRY_BENCH_COMMON_LATENCY_H_
#define QUARRY_BENCH_COMMON_LATENCY_H_

#include <cstddef>
#include <vector>

#include <boost/json/object.hpp>

namespace quarry::bench {

struct LatencySummary {
  size_t count = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

LatencySummary Summarize(std::vector<double> millis);
boost::json::object ToJson(const LatencySummary& s);
LatencySummary LatencyFromJson(const boost::json::object& o);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_COMMON_LATENCY_H_
