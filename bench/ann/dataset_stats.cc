#include "dataset_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "rng.h"

namespace quarry::bench {
namespace {

constexpr size_t kRandomPairs = 10000;

// Exact distances (smaller is closer) to the reported unit.
double ToUnit(Metric m, float d) {
  return m == Metric::kL2 ? std::sqrt(std::max(0.0f, d)) : -static_cast<double>(d);
}

Spread SpreadOf(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))]; };
  return {at(0.1), at(0.5), at(0.9)};
}

}  // namespace

DatasetStats DescribeDataset(const Dataset& ds, uint64_t seed) {
  DatasetStats s;
  s.unit = ds.metric == Metric::kL2 ? "L2 distance" : "cosine";
  std::vector<double> nn1, nn10, pairs;
  for (size_t q = 0; q < ds.truth.dists.rows; ++q) {
    nn1.push_back(ToUnit(ds.metric, ds.truth.dists.row(q)[0]));
    if (ds.truth.dists.cols >= 10) nn10.push_back(ToUnit(ds.metric, ds.truth.dists.row(q)[9]));
  }
  Rng rng(seed, 7);
  for (size_t i = 0; i < kRandomPairs && ds.base.rows > 1; ++i) {
    const size_t a = rng.Below(ds.base.rows);
    size_t b = rng.Below(ds.base.rows - 1);
    if (b >= a) ++b;
    pairs.push_back(
        ToUnit(ds.metric, ExactDistance(ds.metric, ds.base.row(a), ds.base.row(b), ds.base.cols)));
  }
  s.nn1 = SpreadOf(std::move(nn1));
  s.nn10 = SpreadOf(std::move(nn10));
  s.random_pair = SpreadOf(std::move(pairs));
  return s;
}

DatasetStats DescribeUnitVectors(const FloatMatrix& rows, uint64_t seed) {
  Dataset ds;
  ds.metric = Metric::kInnerProduct;
  ds.base = rows;
  // Each row's 11 nearest include itself first (cosine 1); drop that column.
  const GroundTruth gt = ExactNeighbors(rows, rows, Metric::kInnerProduct, 11, 2);
  ds.truth.ids = IntMatrix(rows.rows, 10);
  ds.truth.dists = FloatMatrix(rows.rows, 10);
  for (size_t i = 0; i < rows.rows; ++i) {
    size_t out = 0;
    for (size_t j = 0; j < 11 && out < 10; ++j) {
      if (gt.ids.row(i)[j] == static_cast<int32_t>(i)) continue;
      ds.truth.ids.row(i)[out] = gt.ids.row(i)[j];
      ds.truth.dists.row(i)[out] = gt.dists.row(i)[j];
      ++out;
    }
  }
  return DescribeDataset(ds, seed);
}

std::string FormatStats(const DatasetStats& s) {
  const bool cosine = s.unit == "cosine";
  auto f = [cosine](const Spread& sp) {
    char buf[96];
    std::snprintf(buf, sizeof buf,
                  cosine ? "%.3f (p10-p90 %.3f to %.3f)" : "%.1f (p10-p90 %.1f to %.1f)", sp.median,
                  sp.p10, sp.p90);
    return std::string(buf);
  };
  return s.unit + " to the 1st neighbour " + f(s.nn1) + ", to the 10th " + f(s.nn10) +
         ", between random rows " + f(s.random_pair);
}

}  // namespace quarry::bench
