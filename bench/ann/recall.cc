#include "recall.h"

#include <algorithm>

namespace quarry::bench {

RecallStats ComputeRecall(const uint32_t* ids, size_t count, size_t k, const GroundTruth& truth,
                          const FloatMatrix& base, const FloatMatrix& queries, Metric metric,
                          const std::vector<uint32_t>* allowed) {
  RecallStats stats;
  if (count == 0) return stats;
  const size_t expected = std::min(k, truth.ids.cols);
  double sum = 0;
  std::vector<uint32_t> seen;
  for (size_t q = 0; q < count; ++q) {
    const float threshold = truth.dists.row(q)[expected - 1];
    const uint32_t* got = ids + q * k;
    seen.clear();
    size_t hits = 0;
    for (size_t j = 0; j < k; ++j) {
      const uint32_t r = got[j];
      if (r == UINT32_MAX) continue;  // fewer than k results
      if (r >= base.rows || std::find(seen.begin(), seen.end(), r) != seen.end()) {
        ++stats.invalid;
        continue;
      }
      seen.push_back(r);
      if (allowed != nullptr && !std::binary_search(allowed->begin(), allowed->end(), r)) {
        ++stats.filter_violations;
        continue;
      }
      if (ExactDistance(metric, queries.row(q), base.row(r), base.cols) <= threshold) ++hits;
    }
    sum += static_cast<double>(std::min(hits, expected)) / static_cast<double>(expected);
  }
  stats.recall = sum / static_cast<double>(count);
  return stats;
}

}  // namespace quarry::bench
