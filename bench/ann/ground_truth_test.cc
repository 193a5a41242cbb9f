#include "ground_truth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "rng.h"

namespace quarry::bench {
namespace {

FloatMatrix Random(size_t rows, size_t cols, uint64_t stream) {
  FloatMatrix m(rows, cols);
  Rng rng(1, stream);
  for (float& v : m.data) v = static_cast<float>(rng.Normal());
  return m;
}

// Sorting every row by exact distance, one query at a time.
std::vector<int32_t> Naive(const FloatMatrix& base, const float* q, Metric metric, size_t k,
                           const std::vector<uint32_t>& rows) {
  std::vector<std::pair<float, int32_t>> all;
  for (uint32_t r : rows) {
    all.emplace_back(ExactDistance(metric, q, base.row(r), base.cols), static_cast<int32_t>(r));
  }
  std::sort(all.begin(), all.end());
  std::vector<int32_t> ids;
  for (size_t j = 0; j < k; ++j) ids.push_back(all[j].second);
  return ids;
}

TEST(GroundTruthTest, MatchesNaiveSortForBothMetricsAndFilters) {
  // 2,500 rows: more than one block of 1,024; 37 dims: not a multiple of 16.
  const FloatMatrix base = Random(2500, 37, 1);
  const FloatMatrix queries = Random(21, 37, 2);
  std::vector<uint32_t> every(base.rows);
  std::iota(every.begin(), every.end(), 0u);
  std::vector<uint32_t> some;
  for (uint32_t r = 0; r < base.rows; r += 7) some.push_back(r);
  for (Metric m : {Metric::kL2, Metric::kInnerProduct}) {
    const GroundTruth all = ExactNeighbors(base, queries, m, 15, 3);
    const GroundTruth filtered = ExactNeighbors(base, queries, m, 15, 2, some);
    for (size_t q = 0; q < queries.rows; ++q) {
      const std::vector<int32_t> a(all.ids.row(q), all.ids.row(q) + 15);
      EXPECT_EQ(a, Naive(base, queries.row(q), m, 15, every));
      const std::vector<int32_t> f(filtered.ids.row(q), filtered.ids.row(q) + 15);
      EXPECT_EQ(f, Naive(base, queries.row(q), m, 15, some));
      EXPECT_LE(all.dists.row(q)[0], all.dists.row(q)[14]);
    }
  }
}

}  // namespace
}  // namespace quarry::bench
