#include "search/relevance_metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace quarry::search {
namespace {

using Ranking = std::vector<std::string>;

// d1 grade 2, d2 and d4 grade 1, d3 judged not relevant.
const Judgments kJudged = {{"d1", 2}, {"d2", 1}, {"d3", 0}, {"d4", 1}};
const Ranking kRun = {"x", "d2", "d1", "d3", "y"};

TEST(RelevanceMetricsTest, NdcgByHand) {
  // DCG@10 = 1/log2(3) + 2/log2(4) = 0.6309298 + 1 = 1.6309298
  // IDCG@10 (grades 2, 1, 1) = 2/log2(2) + 1/log2(3) + 1/log2(4) = 3.1309298
  EXPECT_NEAR(NdcgAt(kRun, kJudged, 10), 1.6309297536 / 3.1309297536, 1e-9);
  EXPECT_NEAR(NdcgAt(kRun, kJudged, 10), 0.5209090851, 1e-9);
  // Cut at 2: DCG = 0.6309298; IDCG = 2 + 0.6309298.
  EXPECT_NEAR(NdcgAt(kRun, kJudged, 2), 0.2398124666, 1e-9);
  // The ideal ranking scores 1, and grades matter: d4 before d1 is worse.
  EXPECT_DOUBLE_EQ(NdcgAt(Ranking{"d1", "d2", "d4"}, kJudged, 10), 1.0);
  EXPECT_LT(NdcgAt(Ranking{"d4", "d2", "d1"}, kJudged, 10), 1.0);
}

TEST(RelevanceMetricsTest, RecallByHand) {
  EXPECT_NEAR(RecallAt(kRun, kJudged, 100), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(RecallAt(kRun, kJudged, 2), 1.0 / 3.0, 1e-12);
  EXPECT_EQ(RecallAt(Ranking{}, kJudged, 100), 0.0);
}

TEST(RelevanceMetricsTest, ReciprocalRankByHand) {
  EXPECT_DOUBLE_EQ(ReciprocalRankAt(kRun, kJudged, 10), 0.5);
  EXPECT_DOUBLE_EQ(ReciprocalRankAt(kRun, kJudged, 1), 0.0);
  EXPECT_DOUBLE_EQ(ReciprocalRankAt(Ranking{"d3", "y", "d4"}, kJudged, 10), 1.0 / 3.0);
}

TEST(RelevanceMetricsTest, QueriesWithoutRelevantDocumentsScoreZero) {
  const Judgments none = {{"d3", 0}};
  EXPECT_EQ(NdcgAt(kRun, none, 10), 0.0);
  EXPECT_EQ(RecallAt(kRun, none, 100), 0.0);
  EXPECT_EQ(ReciprocalRankAt(kRun, none, 10), 0.0);
}

TEST(RelevanceMetricsTest, SummaryAveragesOverQueries) {
  RelevanceSummary sum;
  sum.Add(kRun, kJudged);
  sum.Add(Ranking{}, kJudged);  // a query answered with nothing counts as 0
  const RelevanceSummary mean = sum.Mean();
  EXPECT_EQ(mean.queries, 2u);
  EXPECT_NEAR(mean.ndcg_at_10, 0.5209090851 / 2, 1e-9);
  EXPECT_NEAR(mean.recall_at_100, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(mean.mrr_at_10, 0.25, 1e-12);
}

}  // namespace
}  // namespace quarry::search
