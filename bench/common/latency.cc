#include "common/latency.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/json_fields.h"

namespace quarry::bench {

LatencySummary Summarize(std::vector<double> millis) {
  LatencySummary s;
  s.count = millis.size();
  if (millis.empty()) return s;
  std::sort(millis.begin(), millis.end());
  auto rank = [&millis](double p) {
    const size_t r = static_cast<size_t>(std::ceil(p * static_cast<double>(millis.size())));
    return millis[std::clamp<size_t>(r, 1, millis.size()) - 1];
  };
  s.mean_ms = std::accumulate(millis.begin(), millis.end(), 0.0) / static_cast<double>(s.count);
  s.p50_ms = rank(0.50);
  s.p95_ms = rank(0.95);
  s.p99_ms = rank(0.99);
  s.max_ms = millis.back();
  return s;
}

boost::json::object ToJson(const LatencySummary& s) {
  return {{"count", s.count},   {"mean_ms", s.mean_ms}, {"p50_ms", s.p50_ms},
          {"p95_ms", s.p95_ms}, {"p99_ms", s.p99_ms},   {"max_ms", s.max_ms}};
}

LatencySummary LatencyFromJson(const boost::json::object& o) {
  LatencySummary s;
  s.count = static_cast<size_t>(Num(o, "count"));
  s.mean_ms = Num(o, "mean_ms");
  s.p50_ms = Num(o, "p50_ms");
  s.p95_ms = Num(o, "p95_ms");
  s.p99_ms = Num(o, "p99_ms");
  s.max_ms = Num(o, "max_ms");
  return s;
}

}  // namespace quarry::bench
