#include "common/latency.h"

#include <gtest/gtest.h>

namespace quarry::bench {
namespace {

TEST(LatencyTest, NearestRankPercentiles) {
  std::vector<double> ms;
  for (int i = 100; i >= 1; --i) ms.push_back(i);  // unsorted on purpose
  const LatencySummary s = Summarize(ms);
  EXPECT_EQ(s.count, 100u);
  EXPECT_DOUBLE_EQ(s.p50_ms, 50);
  EXPECT_DOUBLE_EQ(s.p95_ms, 95);
  EXPECT_DOUBLE_EQ(s.p99_ms, 99);
  EXPECT_DOUBLE_EQ(s.max_ms, 100);
  EXPECT_DOUBLE_EQ(s.mean_ms, 50.5);
}

TEST(LatencyTest, OneValueIsEveryPercentile) {
  const LatencySummary s = Summarize({3.5});
  EXPECT_DOUBLE_EQ(s.p50_ms, 3.5);
  EXPECT_DOUBLE_EQ(s.p99_ms, 3.5);
}

TEST(LatencyTest, EmptyIsZero) {
  const LatencySummary s = Summarize({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_DOUBLE_EQ(s.p99_ms, 0);
}

TEST(LatencyTest, RoundTripsThroughJson) {
  const LatencySummary s = Summarize({1, 2, 3, 4});
  const LatencySummary back = LatencyFromJson(ToJson(s));
  EXPECT_EQ(back.count, s.count);
  EXPECT_DOUBLE_EQ(back.p50_ms, s.p50_ms);
  EXPECT_DOUBLE_EQ(back.p99_ms, s.p99_ms);
}

}  // namespace
}  // namespace quarry::bench
