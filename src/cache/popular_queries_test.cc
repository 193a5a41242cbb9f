#include "cache/popular_queries.h"

#include <gtest/gtest.h>

#include <random>

namespace quarry::cache {
namespace {

TEST(PopularQueriesTest, CountsExactlyWhileUnderCapacity) {
  PopularQueries popular(10);
  for (int i = 0; i < 5; ++i) popular.Record("a", "c", "qa", "{}");
  for (int i = 0; i < 3; ++i) popular.Record("b", "c", "qb", "{}");
  popular.Record("c", "c", "qc", "{}");
  auto top = popular.Top(2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].identity, "a");
  EXPECT_EQ(top[0].count, 5u);
  EXPECT_EQ(top[1].identity, "b");
  EXPECT_EQ(top[1].error, 0u);
  EXPECT_EQ(popular.total(), 9u);
}

TEST(PopularQueriesTest, KeepsTheHeavyHittersOfAZipfStreamInBoundedMemory) {
  PopularQueries popular(50);
  std::mt19937 rng(7);
  // Zipf(1.1) over 5,000 queries: the top ones are frequent, the tail is long.
  std::vector<double> weights;
  for (int i = 1; i <= 5000; ++i) weights.push_back(1.0 / std::pow(i, 1.1));
  std::discrete_distribution<int> zipf(weights.begin(), weights.end());
  for (int i = 0; i < 50000; ++i) {
    const std::string id = "q" + std::to_string(zipf(rng));
    popular.Record(id, "c", id, "{}");
  }
  auto top = popular.Top(5);
  ASSERT_EQ(top.size(), 5u);
  std::set<std::string> ids;
  for (const auto& q : top) ids.insert(q.identity);
  for (const char* expected : {"q0", "q1", "q2"}) EXPECT_TRUE(ids.count(expected)) << expected;
  for (const auto& q : top) EXPECT_GE(q.count, q.error);
}

TEST(PopularQueriesTest, LargeBodiesAreNotRemembered) {
  PopularQueries popular(10);
  popular.Record("a", "c", "q", std::string(PopularQueries::kMaxBodyBytes + 1, ' '));
  EXPECT_TRUE(popular.Top(10).empty());
}

}  // namespace
}  // namespace quarry::cache
