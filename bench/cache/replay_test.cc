#include "replay.h"

#include <gtest/gtest.h>

#include "common/json_fields.h"
#include "http_client.h"
#include "run_summary.h"

namespace quarry::bench {
namespace {

TEST(ParseTierTest, KnownAbsentAndUnknownValues) {
  EXPECT_EQ(ParseTier("l1"), Tier::kL1);
  EXPECT_EQ(ParseTier("l2"), Tier::kL2);
  EXPECT_EQ(ParseTier("miss"), Tier::kMiss);
  EXPECT_EQ(ParseTier(""), Tier::kNone);
  EXPECT_EQ(ParseTier("hit"), Tier::kOther);
}

TEST(ParseResponseTimeTest, MillisecondsWithTheirUnit) {
  EXPECT_DOUBLE_EQ(ParseResponseTime("0.123ms"), 0.123);
  EXPECT_DOUBLE_EQ(ParseResponseTime("12.000ms"), 12);
  EXPECT_EQ(ParseResponseTime("0.123"), -1);
  EXPECT_EQ(ParseResponseTime("fast"), -1);
}

TEST(SummarizeReplayTest, CountsTiersAndSplitsLatencies) {
  ReplayResult r;
  r.wall_s = 2;
  r.samples = {{1.0f, 0.1f, 200, Tier::kL1},
               {2.0f, 0.2f, 200, Tier::kL1},
               {3.0f, 0.5f, 200, Tier::kL2},
               {9.0f, 8.0f, 200, Tier::kMiss},
               {0.0f, -1.0f, 0, Tier::kFailed}};
  r.errors = 1;
  // First sightings: 7 at 0, 8 at 2, 9 at 3 (9 again at 4, which failed).
  const boost::json::object s = SummarizeReplay(r, {7, 7, 8, 9, 9});
  EXPECT_EQ(Num(s, "searches"), 5);
  EXPECT_EQ(Num(s, "answered"), 4);
  EXPECT_DOUBLE_EQ(Num(s, "searches_per_s"), 2);
  EXPECT_DOUBLE_EQ(Num(s, "hit_rate"), 3.0 / 5);
  EXPECT_DOUBLE_EQ(Num(s, "l1_hit_rate"), 2.0 / 5);
  EXPECT_EQ(Num(Obj(s, "tiers"), "failed"), 1);
  const boost::json::object& latency = Obj(s, "latency");
  EXPECT_EQ(Num(Obj(Obj(latency, "all"), "client"), "count"), 4);
  EXPECT_FLOAT_EQ(Num(Obj(Obj(latency, "l1"), "server"), "max_ms"), 0.2f);
  EXPECT_FLOAT_EQ(Num(Obj(Obj(latency, "miss"), "client"), "p50_ms"), 9.0f);
  EXPECT_FALSE(latency.contains("none"));
  const boost::json::object& first = Obj(Obj(latency, "first"), "client");
  EXPECT_EQ(Num(first, "count"), 3);  // searches 0, 2 and 3
  EXPECT_FLOAT_EQ(Num(first, "max_ms"), 9.0f);
}

}  // namespace
}  // namespace quarry::bench
