#include "run_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace quarry::bench {

void SummarizeLatencies(std::vector<double> seconds, RunStats* stats) {
  stats->timed_queries = seconds.size();
  stats->total_seconds = std::accumulate(seconds.begin(), seconds.end(), 0.0);
  if (seconds.empty()) return;
  std::sort(seconds.begin(), seconds.end());
  auto rank = [&](double p) {
    const size_t r = static_cast<size_t>(std::ceil(p * seconds.size()));
    return seconds[std::clamp<size_t>(r, 1, seconds.size()) - 1] * 1e3;
  };
  stats->p50_ms = rank(0.50);
  stats->p99_ms = rank(0.99);
}

}  // namespace quarry::bench
