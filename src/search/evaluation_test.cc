#include "search/evaluation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "search/evaluation_report.h"

namespace quarry::search {
namespace {

// q1 judges d1 (grade 2) and d2 (1); q2 judges d3; q3 judges d4 and d5
// (grade 0: judged not relevant).
BeirDataset SmallDataset() {
  BeirDataset d;
  for (const char* id : {"d1", "d2", "d3", "d4", "d5", "d6"}) d.corpus.push_back({id, "", "text"});
  d.queries = {{"q1", "first"}, {"q2", "second"}, {"q3", "third"}};
  d.qrels = {{"q1", {{"d1", 2}, {"d2", 1}}}, {"q2", {{"d3", 1}}}, {"q3", {{"d4", 1}, {"d5", 0}}}};
  return d;
}

// A test double for the engine's search: fixed rankings per (mode, query).
class FakeSearch {
 public:
  FakeSearch() {
    answers_["keyword"] = {
        {"first", {{"d2", "d1", "d6"}, 1}}, {"second", {{"d3"}, 2}}, {"third", {{}, 3}}};
    answers_["vector"] = {{"first", {{"d6", "d1", "d1", "d2"}, 10}},
                          {"second", {{"d6", "d5", "d3"}, 20}},
                          {"third", {{"d5", "d4"}, 30}}};
  }

  EvalSearchFn Fn() {
    return [this](std::string_view query, std::string_view mode,
                  uint32_t k) -> Result<EvalSearchResult> {
      calls.push_back(std::string(mode) + ":" + std::string(query));
      last_k = k;
      const auto m = answers_.find(std::string(mode));
      if (m == answers_.end()) return Status::NotSupported("no such mode");
      return m->second.at(std::string(query));
    };
  }

  std::vector<std::string> calls;
  uint32_t last_k = 0;

 private:
  std::map<std::string, std::map<std::string, EvalSearchResult>> answers_;
};

const double kLog3 = std::log2(3.0);
// q1's ideal DCG: grades 2, 1.
const double kIdcgQ1 = 2 + 1 / kLog3;

TEST(EvaluationTest, MetricsByHand) {
  FakeSearch fake;
  EvaluationOptions options;
  options.modes = {"keyword", "vector"};
  options.dataset = "tiny";
  options.split = "test";
  const auto report = RunEvaluation(SmallDataset(), fake.Fn(), options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->documents, 6u);
  EXPECT_EQ(report->queries, 3u);
  EXPECT_EQ(fake.last_k, 100u);
  ASSERT_EQ(report->modes.size(), 2u);

  // keyword: q1 [d2, d1, d6]: DCG 1 + 2/log2(3); RR 1. q2 [d3]: all 1.
  // q3 answered with nothing: all 0.
  const ModeEvaluation& kw = report->modes[0];
  EXPECT_EQ(kw.mode, "keyword");
  EXPECT_EQ(kw.relevance.queries, 3u);
  const double kw_q1 = (1 + 2 / kLog3) / kIdcgQ1;
  EXPECT_NEAR(kw.queries[0].ndcg_at_10, kw_q1, 1e-12);
  EXPECT_NEAR(kw.relevance.ndcg_at_10, (kw_q1 + 1 + 0) / 3, 1e-12);
  EXPECT_NEAR(kw.relevance.recall_at_100, 2.0 / 3, 1e-12);
  EXPECT_NEAR(kw.relevance.mrr_at_10, 2.0 / 3, 1e-12);
  EXPECT_EQ(kw.empty_results, 1u);
  EXPECT_EQ(kw.latency.count, 3u);
  EXPECT_EQ(kw.latency.p50_ms, 2);
  EXPECT_EQ(kw.latency.p95_ms, 3);
  EXPECT_EQ(kw.latency.p99_ms, 3);
  EXPECT_EQ(kw.latency.mean_ms, 2);

  // vector: q1 [d6, d1, d1, d2] counts as [d6, d1, d2]: DCG 2/log2(3) + 1/2,
  // RR 1/2. q2 [d6, d5, d3]: DCG 1/2, RR 1/3. q3 [d5, d4] (d5 grade 0):
  // DCG 1/log2(3), RR 1/2. Every relevant document is found.
  const ModeEvaluation& vec = report->modes[1];
  EXPECT_EQ(vec.queries[0].hits, 3u);
  EXPECT_NEAR(vec.queries[0].ndcg_at_10, (2 / kLog3 + 0.5) / kIdcgQ1, 1e-12);
  EXPECT_NEAR(vec.queries[1].ndcg_at_10, 0.5, 1e-12);
  EXPECT_NEAR(vec.queries[2].ndcg_at_10, 1 / kLog3, 1e-12);
  EXPECT_NEAR(vec.relevance.ndcg_at_10, ((2 / kLog3 + 0.5) / kIdcgQ1 + 0.5 + 1 / kLog3) / 3, 1e-12);
  EXPECT_NEAR(vec.relevance.recall_at_100, 1, 1e-12);
  EXPECT_NEAR(vec.relevance.mrr_at_10, (0.5 + 1.0 / 3 + 0.5) / 3, 1e-12);
  EXPECT_NEAR(vec.queries[1].reciprocal_rank_at_10, 1.0 / 3, 1e-12);
  EXPECT_EQ(vec.latency.p50_ms, 20);
  EXPECT_EQ(vec.latency.max_ms, 30);
  EXPECT_EQ(vec.empty_results, 0u);

  // Mode-major order: every keyword query, then every vector query.
  EXPECT_EQ(fake.calls,
            (std::vector<std::string>{"keyword:first", "keyword:second", "keyword:third",
                                      "vector:first", "vector:second", "vector:third"}));
}

TEST(EvaluationTest, PercentilesAreNearestRank) {
  std::vector<double> ms;
  for (int i = 100; i >= 1; --i) ms.push_back(i);
  const LatencySummary s = SummarizeLatencies(ms);
  EXPECT_EQ(s.p50_ms, 50);
  EXPECT_EQ(s.p95_ms, 95);
  EXPECT_EQ(s.p99_ms, 99);
  EXPECT_EQ(s.max_ms, 100);
  EXPECT_DOUBLE_EQ(s.mean_ms, 50.5);
  const LatencySummary one = SummarizeLatencies({7});
  EXPECT_EQ(one.p50_ms, 7);
  EXPECT_EQ(one.p99_ms, 7);
  EXPECT_EQ(SummarizeLatencies({}).count, 0u);
}

TEST(EvaluationTest, WarmupAndQueryLimit) {
  FakeSearch fake;
  EvaluationOptions options;
  options.modes = {"keyword"};
  options.max_queries = 2;
  options.warmup = 3;
  options.k = 10;
  size_t progress_calls = 0;
  options.progress = [&](std::string_view mode, size_t done, size_t total) {
    EXPECT_EQ(mode, "keyword");
    EXPECT_EQ(total, 2u);
    EXPECT_EQ(done, ++progress_calls);
  };
  const auto report = RunEvaluation(SmallDataset(), fake.Fn(), options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->queries, 2u);
  EXPECT_EQ(report->k, 10u);
  EXPECT_EQ(fake.last_k, 10u);
  // Three untimed warm-up queries cycle over the evaluated ones.
  EXPECT_EQ(fake.calls,
            (std::vector<std::string>{"keyword:first", "keyword:second", "keyword:first",
                                      "keyword:first", "keyword:second"}));
  EXPECT_EQ(report->modes[0].latency.count, 2u);
  EXPECT_EQ(progress_calls, 2u);
}

TEST(EvaluationTest, ErrorsNameTheQueryAndMode) {
  FakeSearch fake;
  EvaluationOptions options;
  options.modes = {"keyword", "hybrid"};
  auto report = RunEvaluation(SmallDataset(), fake.Fn(), options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(report.status().message(), "query 'q1' in mode 'hybrid': no such mode");

  const EvalSearchFn negative = [](std::string_view, std::string_view,
                                   uint32_t) -> Result<EvalSearchResult> {
    return EvalSearchResult{{"d1"}, -1};
  };
  options.modes = {"keyword"};
  report = RunEvaluation(SmallDataset(), negative, options);
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);

  for (auto bad : {std::vector<std::string>{}, std::vector<std::string>{"a", "b", "a"}}) {
    options.modes = bad;
    EXPECT_EQ(RunEvaluation(SmallDataset(), fake.Fn(), options).status().code(),
              StatusCode::kInvalidArgument);
  }
  options.modes = {"keyword"};
  options.k = 0;
  EXPECT_EQ(RunEvaluation(SmallDataset(), fake.Fn(), options).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(EvaluationTest, EmptyDatasetGivesAnEmptyReport) {
  FakeSearch fake;
  EvaluationOptions options;
  options.modes = {"keyword"};
  options.warmup = 5;
  const auto report = RunEvaluation(BeirDataset{}, fake.Fn(), options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->modes[0].relevance.queries, 0u);
  EXPECT_TRUE(fake.calls.empty());
}

TEST(EvaluationReportTest, MarkdownTable) {
  EvaluationReport report;
  report.dataset = "scifact";
  report.split = "test";
  report.documents = 5183;
  report.queries = 300;
  report.k = 100;
  ModeEvaluation m;
  m.mode = "key|word";
  m.relevance = {.queries = 300, .ndcg_at_10 = 0.66514, .recall_at_100 = 0.9, .mrr_at_10 = 0.25};
  m.latency = {.count = 300, .mean_ms = 1, .p50_ms = 0.0712, .p95_ms = 0.14, .p99_ms = 2.5};
  m.empty_results = 2;
  report.modes.push_back(m);
  EXPECT_EQ(RenderEvaluationMarkdown(report),
            "**scifact** (test): 5,183 documents, 300 queries, k = 100\n\n"
            "| mode | nDCG@10 | Recall@100 | MRR@10 | p50 ms | p95 ms | p99 ms | empty |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|\n"
            "| key\\|word | 0.6651 | 0.9000 | 0.2500 | 0.071 | 0.140 | 2.500 | 2 |\n");
}

TEST(EvaluationReportTest, JsonReport) {
  FakeSearch fake;
  EvaluationOptions options;
  options.modes = {"keyword", "vector"};
  options.dataset = "tiny";
  const auto report = RunEvaluation(SmallDataset(), fake.Fn(), options);
  ASSERT_TRUE(report.ok());
  const boost::json::value v = boost::json::parse(RenderEvaluationJson(*report));
  EXPECT_EQ(v.at("dataset").as_string(), "tiny");
  EXPECT_EQ(v.at("queries").to_number<int>(), 3);
  const auto& modes = v.at("modes").as_array();
  ASSERT_EQ(modes.size(), 2u);
  EXPECT_EQ(modes[1].at("mode").as_string(), "vector");
  EXPECT_NEAR(modes[1].at("recall_at_100").as_double(), 1, 1e-12);
  EXPECT_EQ(modes[1].at("latency_ms").at("p50").to_number<double>(), 20);
  EXPECT_FALSE(modes[0].as_object().contains("per_query"));

  const boost::json::value full = boost::json::parse(RenderEvaluationJson(*report, true));
  const auto& per_query = full.at("modes").at(0).at("per_query").as_array();
  ASSERT_EQ(per_query.size(), 3u);
  EXPECT_EQ(per_query[2].at("id").as_string(), "q3");
  EXPECT_EQ(per_query[2].at("hits").to_number<int>(), 0);
}

// On the real SciFact judgments, an oracle that returns each query's relevant
// documents by grade scores a perfect 1 everywhere.
TEST(EvaluationTest, OracleScoresOneOnSciFact) {
  const char* shared = std::getenv("QUARRY_SHARED_DIR");
  const std::string dir = std::string(shared ? shared : "../shared") + "/data/beir/scifact";
  if (!std::filesystem::exists(dir + "/qrels/test.tsv")) GTEST_SKIP() << "no SciFact at " << dir;
  const auto dataset = LoadBeirDataset(dir, "test");
  ASSERT_TRUE(dataset.ok()) << dataset.status().ToString();
  std::map<std::string, const Judgments*> by_text;
  for (const BeirQuery& q : dataset->queries) by_text[q.text] = &dataset->qrels.at(q.id);
  const EvalSearchFn oracle = [&](std::string_view query, std::string_view,
                                  uint32_t) -> Result<EvalSearchResult> {
    std::vector<std::pair<int, std::string>> relevant;
    for (const auto& [doc, grade] : *by_text.at(std::string(query))) {
      if (grade > 0) relevant.emplace_back(-grade, doc);
    }
    std::sort(relevant.begin(), relevant.end());
    EvalSearchResult result{.latency_ms = 0.5};
    for (auto& [grade, doc] : relevant) result.doc_ids.push_back(doc);
    return result;
  };
  EvaluationOptions options;
  options.modes = {"oracle"};
  const auto report = RunEvaluation(*dataset, oracle, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->queries, 300u);
  EXPECT_NEAR(report->modes[0].relevance.ndcg_at_10, 1, 1e-12);
  EXPECT_NEAR(report->modes[0].relevance.recall_at_100, 1, 1e-12);
  EXPECT_NEAR(report->modes[0].relevance.mrr_at_10, 1, 1e-12);
}

}  // namespace
}  // namespace quarry::search
