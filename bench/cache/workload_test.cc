#include "workload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/json_fields.h"

namespace quarry::bench {
namespace {

TEST(ZipfSequenceTest, SameSeedSameSequence) {
  const ZipfSpec spec{.items = 100, .length = 500, .s = 1.1, .seed = 7};
  EXPECT_EQ(ZipfSequence(spec), ZipfSequence(spec));
  ZipfSpec other = spec;
  other.seed = 8;
  EXPECT_NE(ZipfSequence(spec), ZipfSequence(other));
}

TEST(ZipfSequenceTest, FrequenciesFollowZipf) {
  const ZipfSpec spec{.items = 1000, .length = 200000, .s = 1.1, .seed = 42};
  const std::vector<uint32_t> seq = ZipfSequence(spec);
  ASSERT_EQ(seq.size(), spec.length);
  std::vector<size_t> freq(spec.items);
  for (uint32_t item : seq) {
    ASSERT_LT(item, spec.items);
    ++freq[item];
  }
  std::sort(freq.begin(), freq.end(), std::greater<>());
  double h = 0;
  for (size_t r = 1; r <= spec.items; ++r) h += std::pow(static_cast<double>(r), -spec.s);
  // Rank 1 and rank 2 shares within 5 % of 1/H and 2^-s/H.
  EXPECT_NEAR(freq[0] / 200000.0, 1 / h, 0.05 / h);
  EXPECT_NEAR(freq[1] / 200000.0, std::pow(2.0, -spec.s) / h, 0.05 * std::pow(2.0, -spec.s) / h);
}

TEST(ZipfSequenceTest, PopularityIsShuffledAcrossItems) {
  const std::vector<uint32_t> seq = ZipfSequence({.items = 1000, .length = 20000, .seed = 42});
  std::vector<size_t> freq(1000);
  for (uint32_t item : seq) ++freq[item];
  // Item 0 is not necessarily the most popular one.
  const size_t top = static_cast<size_t>(std::max_element(freq.begin(), freq.end()) - freq.begin());
  EXPECT_NE(top, 0u);
}

TEST(SequenceStatsTest, IdealHitRateCountsFirstSightingsAsMisses) {
  const boost::json::object s = SequenceStats({3, 3, 1, 3, 1, 2});
  EXPECT_EQ(Num(s, "requests"), 6);
  EXPECT_EQ(Num(s, "distinct"), 3);
  EXPECT_DOUBLE_EQ(Num(s, "ideal_hit_rate"), 0.5);
  EXPECT_DOUBLE_EQ(Num(s, "top1_share"), 0.5);
  EXPECT_DOUBLE_EQ(Num(s, "top10_share"), 1.0);
}

class LoadQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("bench_cache_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& text) {
    const std::string path = (dir_ / "queries.jsonl").string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(LoadQueriesTest, KeepsDistinctTextsInFileOrder) {
  const std::string path = Write(
      "{\"_id\": \"1\", \"text\": \"a\"}\n{\"_id\": \"2\", \"text\": \"b\"}\n"
      "{\"_id\": \"3\", \"text\": \"a\"}\n{\"_id\": \"4\", \"text\": \"\"}\n"
      "{\"_id\": \"5\", \"text\": \"c\"}\n");
  Result<QuerySet> set = LoadQueries(path, 2);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->replayed, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(set->held_out, (std::vector<std::string>{"c"}));
  EXPECT_FALSE(LoadQueries(path, 4).ok());
}

TEST_F(LoadQueriesTest, RejectsALineThatIsNotAQuery) {
  EXPECT_FALSE(LoadQueries(Write("{\"_id\": \"1\"}\n"), 1).ok());
}

}  // namespace
}  // namespace quarry::bench
