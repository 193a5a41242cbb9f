#include "report.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/json_fields.h"

namespace quarry::bench {
namespace {
namespace json = boost::json;

json::object Summary(double p50, double p99) {
  return {{"count", 10}, {"p50_ms", p50}, {"p95_ms", p99}, {"p99_ms", p99}, {"max_ms", p99}};
}

json::object RunWith(const char* name, double hit_rate, json::object latency,
                     double searches_per_s) {
  return {{"name", name},
          {"hit_rate", hit_rate},
          {"searches", 100},
          {"errors", 0},
          {"searches_per_s", searches_per_s},
          {"latency", std::move(latency)}};
}

json::object Report() {
  json::array runs;
  runs.push_back(RunWith(
      "cache", 0.9,
      {{"all", {{"client", Summary(0.3, 5)}}}, {"l1", {{"server", Summary(0.05, 0.3)}}}}, 4000));
  runs.push_back(RunWith(
      "no-cache", 0,
      {{"all", {{"client", Summary(2, 10)}}}, {"first", {{"client", Summary(3, 11)}}}}, 1000));
  runs.push_back(RunWith("l2", 0.9, {{"l2", {{"server", Summary(0.4, 0.9)}}}}, 3000));
  runs.push_back(RunWith(
      "redis-killed", 0.6,
      {{"all", {{"client", Summary(1, 10.5)}}}, {"miss", {{"client", Summary(4, 12.5)}}}}, 2000));
  return {{"runs", std::move(runs)}};
}

TEST(CacheReportTest, ChecksEveryTarget) {
  const std::string md = RenderMarkdown(Report());
  EXPECT_NE(md.find("| hit rate of the cache run ≥ 85 % | 90.0 % | pass |"), std::string::npos)
      << md;
  EXPECT_NE(md.find("| L1 hit inside the server < 0.2 ms (p50) | 0.050 ms | pass |"),
            std::string::npos);
  EXPECT_NE(md.find("| L1 hit inside the server < 0.2 ms (p99) | 0.300 ms | **fail** |"),
            std::string::npos);
  EXPECT_NE(md.find("| L2 hit inside the server < 1 ms (p99) | 0.900 ms | pass |"),
            std::string::npos);
  // 10.5 ms against 1.1 x 10 ms passes; 12.5 ms against 1.1 x 11 ms does not.
  EXPECT_NE(md.find("| redis-killed: client p99 of all searches ≤ 1.1 × p99 of all uncached "
                    "searches (10.0 ms) | 10.5 ms (1.05 ×) | pass |"),
            std::string::npos);
  EXPECT_NE(md.find("| redis-killed: client p99 of the misses ≤ 1.1 × p99 of their first "
                    "sightings uncached (11.0 ms) | 12.5 ms (1.14 ×) | **fail** |"),
            std::string::npos);
  EXPECT_NE(md.find("4,000 / 1,000 searches/s = 4.00 ×"), std::string::npos);
}

TEST(CacheReportTest, StatsDeltaSubtractsCounters) {
  const json::object before{{"searches", {{"l1", 5}, {"l2", 1}, {"miss", 3}}},
                            {"l2", {{"breaker_opened", 0}, {"results", {{"errors", 0}}}}}};
  const json::object after{{"searches", {{"l1", 15}, {"l2", 4}, {"miss", 10}}},
                           {"l2", {{"breaker_opened", 2}, {"results", {{"errors", 6}}}}}};
  const json::object d = StatsDelta(before, after);
  EXPECT_EQ(Num(d, "l1"), 10);
  EXPECT_EQ(Num(d, "l2"), 3);
  EXPECT_EQ(Num(d, "miss"), 7);
  EXPECT_EQ(Num(d, "l2_errors"), 6);
  EXPECT_EQ(Num(d, "breaker_opened"), 2);
  EXPECT_FALSE(d.contains("l2_skipped"));
  EXPECT_FALSE(StatsDelta({}, after).contains("l1"));
}

}  // namespace
}  // namespace quarry::bench
