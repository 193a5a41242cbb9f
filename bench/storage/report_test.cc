#include "report.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace quarry::bench {
namespace {
namespace json = boost::json;

// A warm probe run whose process ended with `rss` bytes resident.
json::object WarmRun(double start_ms, double rss, double rss_anon) {
  return {{"cold", false},
          {"evicted", false},
          {"start_to_first_ms", start_ms},
          {"warm", {{"memory", {{"rss", rss}, {"rss_anon", rss_anon}}}}}};
}

json::object Variant(const char* name, double start_ms, double rss, double rss_anon) {
  return {{"name", name}, {"runs", json::array{WarmRun(start_ms, rss, rss_anon)}}};
}

TEST(ReportTest, TargetsCompareTheRightVariants) {
  const double mib = 1 << 20;
  json::object report{{"page_cache_dropped", false},
                      {"set", {{"spec", {{"docs", 1000000}}}}},
                      {"variants", json::array{Variant("mmap-vectors", 500, 400 * mib, 100 * mib),
                                               Variant("all-ram", 1500, 1000 * mib, 800 * mib),
                                               Variant("all-disk", 400, 250 * mib, 50 * mib)}}};
  const std::string md = RenderMarkdown(report);
  EXPECT_NE(md.find("1,000,000 documents: 400 ms warm (target < 1 s for 1,000,000: met)"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("payload decoded at open (the earlier default): 500 ms"), std::string::npos)
      << md;
  EXPECT_NE(md.find("mmap (default config) (warm): 1500 ms vs 400 ms, mmap 3.75x faster"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("mmap vectors only (warm): 1500 ms vs 500 ms, mmap 3.00x faster"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("250.0 MiB vs 1000.0 MiB = 25% (target ≤ 30%: met)"), std::string::npos) << md;
  EXPECT_NE(md.find("50.0 vs 800.0 MiB = 6%"), std::string::npos) << md;
  EXPECT_NE(md.find("could not be dropped"), std::string::npos) << md;
}

TEST(ReportTest, AnEmptyReportRendersWithoutTargetsMet) {
  const std::string md = RenderMarkdown(json::object{});
  EXPECT_EQ(md.find(": met"), std::string::npos) << md;
}

}  // namespace
}  // namespace quarry::bench
