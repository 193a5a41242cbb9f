// QPS at a target recall, read off a sweep.
//
// Only the Pareto frontier counts: a point is dropped when another point has
// at least its recall and more QPS. Between the two frontier points that
// bracket the target, log(QPS) is interpolated linearly in recall. When the
// sweep never reaches the target there is no value ("not reached"). When
// every frontier point is above the target, the value is the fastest point's
// QPS and only a lower bound.
//
// Thread-safety: pure functions.
#ifndef QUARRY_BENCH_ANN_INTERPOLATE_H_
#define QUARRY_BENCH_ANN_INTERPOLATE_H_

#include <optional>
#include <vector>

#include "sweep.h"

namespace quarry::bench {

struct QpsEstimate {
  std::optional<double> qps;  // empty: not reached
  bool lower_bound = false;
};

// The frontier of the points without errors, by increasing recall.
std::vector<SweepPoint> ParetoFrontier(const std::vector<SweepPoint>& points);

QpsEstimate QpsAtRecall(const std::vector<SweepPoint>& points, double target);

// The same points with qps replaced by cpu_qps, to read CPU-time figures off
// the same frontier rules.
std::vector<SweepPoint> ByCpuTime(std::vector<SweepPoint> points);

// The cheapest measured point with recall >= target (the setting to use), if any.
std::optional<SweepPoint> FastestAtRecall(const std::vector<SweepPoint>& points, double target);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_INTERPOLATE_H_
