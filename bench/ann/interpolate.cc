#include "interpolate.h"

#include <algorithm>
#include <cmath>

namespace quarry::bench {

std::vector<SweepPoint> ParetoFrontier(const std::vector<SweepPoint>& points) {
  std::vector<SweepPoint> sorted;
  for (const SweepPoint& p : points) {
    if (p.error.empty() && p.qps > 0) sorted.push_back(p);
  }
  // Highest recall first (more QPS first among equals); keep a point only if
  // it is faster than everything with at least its recall.
  std::sort(sorted.begin(), sorted.end(), [](const SweepPoint& a, const SweepPoint& b) {
    return a.recall != b.recall ? a.recall > b.recall : a.qps > b.qps;
  });
  std::vector<SweepPoint> frontier;
  double best_qps = 0;
  for (const SweepPoint& p : sorted) {
    if (p.qps > best_qps) {
      frontier.push_back(p);
      best_qps = p.qps;
    }
  }
  std::reverse(frontier.begin(), frontier.end());
  return frontier;
}

QpsEstimate QpsAtRecall(const std::vector<SweepPoint>& points, double target) {
  const std::vector<SweepPoint> f = ParetoFrontier(points);
  // First frontier point reaching the target: the fastest that does.
  size_t hi = 0;
  while (hi < f.size() && f[hi].recall < target) ++hi;
  if (hi == f.size()) return {};
  if (f[hi].recall == target) return {.qps = f[hi].qps};
  if (hi == 0) return {.qps = f[0].qps, .lower_bound = true};
  const SweepPoint& a = f[hi - 1];
  const SweepPoint& b = f[hi];
  const double t = (target - a.recall) / (b.recall - a.recall);
  return {.qps = std::exp(std::log(a.qps) + t * (std::log(b.qps) - std::log(a.qps)))};
}

std::vector<SweepPoint> ByCpuTime(std::vector<SweepPoint> points) {
  for (SweepPoint& p : points) p.qps = p.cpu_qps;
  return points;
}

std::optional<SweepPoint> FastestAtRecall(const std::vector<SweepPoint>& points, double target) {
  std::optional<SweepPoint> best;
  for (const SweepPoint& p : points) {
    if (p.error.empty() && p.recall >= target && (!best || p.qps > best->qps)) best = p;
  }
  return best;
}

}  // namespace quarry::bench
