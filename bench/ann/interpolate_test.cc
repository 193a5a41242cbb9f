#include "interpolate.h"

#include <gtest/gtest.h>

#include <cmath>

namespace quarry::bench {
namespace {

SweepPoint Point(double recall, double qps) {
  SweepPoint p;
  p.recall = recall;
  p.qps = qps;
  return p;
}

TEST(InterpolateTest, LogLinearBetweenBracketingPoints) {
  const std::vector<SweepPoint> pts = {Point(0.90, 10000), Point(1.00, 100)};
  const QpsEstimate e = QpsAtRecall(pts, 0.95);
  ASSERT_TRUE(e.qps.has_value());
  EXPECT_NEAR(*e.qps, 1000, 1e-6);  // halfway in log space
  EXPECT_FALSE(e.lower_bound);
}

TEST(InterpolateTest, NotReachedAndLowerBound) {
  const std::vector<SweepPoint> pts = {Point(0.96, 5000), Point(0.98, 3000)};
  EXPECT_FALSE(QpsAtRecall(pts, 0.99).qps.has_value());
  const QpsEstimate e = QpsAtRecall(pts, 0.90);
  ASSERT_TRUE(e.qps.has_value());
  EXPECT_EQ(*e.qps, 5000);
  EXPECT_TRUE(e.lower_bound);
  EXPECT_EQ(*QpsAtRecall(pts, 0.98).qps, 3000);  // exact hit
}

TEST(InterpolateTest, DominatedPointsAreIgnored) {
  // (0.95, 900) is beaten by (0.97, 2000): the frontier goes 0.90 -> 0.97 -> 0.99.
  const std::vector<SweepPoint> pts = {Point(0.90, 4000), Point(0.95, 900), Point(0.97, 2000),
                                       Point(0.99, 1000)};
  const std::vector<SweepPoint> f = ParetoFrontier(pts);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1].recall, 0.97);
  EXPECT_EQ(*QpsAtRecall(pts, 0.97).qps, 2000);
  EXPECT_GT(*QpsAtRecall(pts, 0.95).qps, 2000);
}

TEST(InterpolateTest, PointsWithErrorsDoNotCount) {
  std::vector<SweepPoint> pts = {Point(0.99, 1000)};
  pts[0].error = "internal: boom";
  EXPECT_FALSE(QpsAtRecall(pts, 0.90).qps.has_value());
  EXPECT_FALSE(FastestAtRecall(pts, 0.90).has_value());
}

}  // namespace
}  // namespace quarry::bench
