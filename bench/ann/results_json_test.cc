#include "results_json.h"

#include <gtest/gtest.h>

#include "report.h"

namespace quarry::bench {
namespace {

EngineRun SampleRun() {
  EngineRun run;
  run.engine = "quarry-int8";
  run.dataset = "minilm384";
  run.build_s = 12.5;
  run.memory.index_bytes = 1000;
  run.memory.rescore_vector_bytes = 4000;
  run.rss_delta_bytes = 5500;
  run.load_average = 1.5;
  SweepPoint a;
  a.setting = {.ef = 16, .oversampling = 2};
  a.recall = 0.93;
  a.qps = 20000;
  a.cpu_qps = 21000;
  SweepPoint b = a;
  b.setting.ef = 32;
  b.recall = 0.97;
  b.qps = 12000;
  b.cpu_qps = 12500;
  run.sweeps.push_back({1, {a, b}});
  run.sweeps.push_back({2, {a}});
  run.filtered.push_back({0.01, 1000, 1, {b}});
  return run;
}

TEST(ResultsJsonTest, RoundTripsRawFieldsAndDerivesQpsAtRecall) {
  const boost::json::object o = EngineRunToJson(SampleRun());
  ASSERT_TRUE(o.at("qps_at_recall").at("0.99").is_null());  // never reached
  EXPECT_GT(o.at("qps_at_recall").at("0.95").as_double(), 12000);
  EXPECT_LT(o.at("qps_at_recall").at("0.95").as_double(), 20000);
  auto back = EngineRunFromJson(boost::json::serialize(o));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->engine, "quarry-int8");
  EXPECT_EQ(back->memory.rescore_vector_bytes, 4000u);
  ASSERT_EQ(back->sweeps.size(), 2u);
  EXPECT_EQ(back->sweeps[1].threads, 2u);
  ASSERT_EQ(back->sweeps[0].points.size(), 2u);
  EXPECT_EQ(back->sweeps[0].points[1].setting.ef, 32u);
  EXPECT_DOUBLE_EQ(back->sweeps[0].points[1].cpu_qps, 12500);
  ASSERT_EQ(back->filtered.size(), 1u);
  EXPECT_EQ(back->filtered[0].allowed_rows, 1000u);
}

TEST(ResultsJsonTest, SavedReportRendersTheSameTables) {
  ReportContext ctx;
  ctx.machine = "test machine";
  ctx.command = "bench_ann --quick";
  ctx.datasets.push_back({"minilm384", "generated", 100, 384, 10, "inner product", "", ""});
  const std::vector<EngineRun> runs = {SampleRun()};
  auto saved = ParseJsonReport(JsonReport(ctx, runs));
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(MarkdownReport(saved->ctx, saved->runs), MarkdownReport(ctx, runs));
  EXPECT_FALSE(ParseJsonReport("{}").ok());
  EXPECT_FALSE(ParseJsonReport("not json").ok());
}

}  // namespace
}  // namespace quarry::bench
