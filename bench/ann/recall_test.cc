#include "recall.h"

#include <gtest/gtest.h>

namespace quarry::bench {
namespace {

// 1-D points 0, 1, 2, ... and one query at 0.
struct Line {
  FloatMatrix base;
  FloatMatrix queries{1, 1};
  GroundTruth truth;
  explicit Line(std::vector<float> xs) : base(xs.size(), 1) {
    for (size_t i = 0; i < xs.size(); ++i) base.row(i)[0] = xs[i];
    queries.row(0)[0] = 0;
    truth = ExactNeighbors(base, queries, Metric::kL2, 2, 1);
  }
};

TEST(RecallTest, CountsExactMatches) {
  Line l({0, 1, 2, 3});
  const uint32_t good[] = {0, 1};
  const uint32_t half[] = {0, 3};
  EXPECT_DOUBLE_EQ(
      ComputeRecall(good, 1, 2, l.truth, l.base, l.queries, Metric::kL2, nullptr).recall, 1.0);
  EXPECT_DOUBLE_EQ(
      ComputeRecall(half, 1, 2, l.truth, l.base, l.queries, Metric::kL2, nullptr).recall, 0.5);
}

TEST(RecallTest, TiesAtTheKthDistanceCount) {
  Line l({0, 1, 1, 5});  // rows 1 and 2 tie for second place
  const uint32_t tie[] = {0, 2};
  EXPECT_DOUBLE_EQ(
      ComputeRecall(tie, 1, 2, l.truth, l.base, l.queries, Metric::kL2, nullptr).recall, 1.0);
}

TEST(RecallTest, DuplicatesInvalidAndFilteredRowsAreMisses) {
  Line l({0, 1, 2, 3});
  const uint32_t dup[] = {0, 0};
  RecallStats s = ComputeRecall(dup, 1, 2, l.truth, l.base, l.queries, Metric::kL2, nullptr);
  EXPECT_DOUBLE_EQ(s.recall, 0.5);
  EXPECT_EQ(s.invalid, 1u);
  const uint32_t missing[] = {0, UINT32_MAX};
  EXPECT_DOUBLE_EQ(
      ComputeRecall(missing, 1, 2, l.truth, l.base, l.queries, Metric::kL2, nullptr).recall, 0.5);
  const std::vector<uint32_t> allowed = {1, 2};
  const GroundTruth filtered = ExactNeighbors(l.base, l.queries, Metric::kL2, 2, 1, allowed);
  const uint32_t leak[] = {0, 1};  // row 0 is closer but not allowed
  s = ComputeRecall(leak, 1, 2, filtered, l.base, l.queries, Metric::kL2, &allowed);
  EXPECT_DOUBLE_EQ(s.recall, 0.5);
  EXPECT_EQ(s.filter_violations, 1u);
}

}  // namespace
}  // namespace quarry::bench
