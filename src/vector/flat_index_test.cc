#include "vector/flat_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "vector/distance.h"

namespace quarry::vector {
namespace {

std::vector<float> RandomUnitVector(std::mt19937& rng, uint32_t dims) {
  std::normal_distribution<float> dist;
  std::vector<float> v(dims);
  for (float& x : v) x = dist(rng);
  NormalizeL2(v);
  return v;
}

// The brute-force reference: score every row in double precision, sort.
std::vector<RowId> BruteForce(const std::vector<std::vector<float>>& rows,
                              const std::vector<bool>& removed, const std::vector<float>& q,
                              uint32_t k) {
  std::vector<std::pair<double, RowId>> scored;
  for (RowId r = 0; r < rows.size(); ++r) {
    if (removed[r]) continue;
    double s = 0;
    for (size_t i = 0; i < q.size(); ++i) s += static_cast<double>(q[i]) * rows[r][i];
    scored.emplace_back(-s, r);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<RowId> out;
  for (size_t i = 0; i < scored.size() && i < k; ++i) out.push_back(scored[i].second);
  return out;
}

TEST(FlatIndexTest, ExactAgainstBruteForceWithRemovals) {
  std::mt19937 rng(42);
  const uint32_t dims = 67;
  FlatIndex index(dims);
  std::vector<std::vector<float>> rows;
  std::vector<bool> removed;
  for (RowId r = 0; r < 2000; ++r) {
    rows.push_back(RandomUnitVector(rng, dims));
    removed.push_back(false);
    ASSERT_TRUE(index.Add(r, rows.back()).ok());
  }
  for (RowId r = 0; r < 2000; r += 7) {
    ASSERT_TRUE(index.Remove(r).ok());
    removed[r] = true;
  }
  EXPECT_EQ(index.live_count(), 2000u - (2000 + 6) / 7);
  for (int q = 0; q < 50; ++q) {
    std::vector<float> query = RandomUnitVector(rng, dims);
    for (uint32_t k : {1u, 10u, 100u}) {
      auto got = index.Search(query, {.k = k});
      ASSERT_TRUE(got.ok());
      std::vector<RowId> ids;
      for (const Neighbor& n : *got) ids.push_back(n.row);
      EXPECT_EQ(ids, BruteForce(rows, removed, query, k)) << "query " << q << " k " << k;
      for (size_t i = 1; i < got->size(); ++i) EXPECT_GE((*got)[i - 1].score, (*got)[i].score);
    }
  }
}

// A reader (the seal) holds rows while rows are added (a writer's growth)
// and after they are removed (a delete during the seal).
TEST(FlatIndexTest, RowsNeverMoveAndOutliveRemoval) {
  std::mt19937 rng(7);
  const uint32_t dims = 33;
  FlatIndex index(dims);
  std::vector<std::vector<float>> rows;
  std::vector<const float*> first_seen;
  // Past three chunk boundaries (1,024, 3,072 and 7,168 rows).
  for (RowId r = 0; r < 9000; ++r) {
    rows.push_back(RandomUnitVector(rng, dims));
    ASSERT_TRUE(index.Add(r, rows.back()).ok());
    first_seen.push_back(index.Row(r).data());
  }
  ASSERT_EQ(index.row_count(), 9000u);
  for (RowId r = 0; r < 9000; r += 3) ASSERT_TRUE(index.Remove(r).ok());
  for (RowId r = 0; r < 9000; ++r) {
    const std::span<const float> row = index.Row(r);
    ASSERT_EQ(row.data(), first_seen[r]) << "row " << r << " moved";
    ASSERT_TRUE(std::equal(row.begin(), row.end(), rows[r].begin())) << "row " << r;
  }
  std::vector<float> out(dims);
  EXPECT_FALSE(index.GetVector(0, out).ok());  // removed: not served to searches
  ASSERT_TRUE(index.GetVector(1, out).ok());
  EXPECT_EQ(out, rows[1]);
}

TEST(FlatIndexTest, FilterAndSmallIndexes) {
  FlatIndex index(2);
  std::vector<float> q = {1, 0};
  auto empty = index.Search(q, {.k = 5});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  ASSERT_TRUE(index.Add(0, std::vector<float>{1, 0}).ok());
  ASSERT_TRUE(index.Add(1, std::vector<float>{0, 1}).ok());
  ASSERT_TRUE(index.Add(2, std::vector<float>{0.6f, 0.8f}).ok());
  auto all = index.Search(q, {.k = 10});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].row, 0u);
  EXPECT_EQ((*all)[1].row, 2u);
  RowFilter odd_rows(3);
  odd_rows.Allow(1);
  auto odd = index.Search(q, {.k = 10, .filter = &odd_rows});
  ASSERT_TRUE(odd.ok());
  ASSERT_EQ(odd->size(), 1u);
  EXPECT_EQ((*odd)[0].row, 1u);
}

TEST(FlatIndexTest, TiesBreakByRowId) {
  FlatIndex index(2);
  for (RowId r = 0; r < 5; ++r) ASSERT_TRUE(index.Add(r, std::vector<float>{1, 0}).ok());
  auto got = index.Search(std::vector<float>{1, 0}, {.k = 3});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].row, 0u);
  EXPECT_EQ((*got)[1].row, 1u);
  EXPECT_EQ((*got)[2].row, 2u);
}

TEST(FlatIndexTest, RejectsBadInput) {
  FlatIndex index(3);
  EXPECT_EQ(index.Add(0, std::vector<float>{1, 2}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Add(1, std::vector<float>{1, 2, 3}).code(), StatusCode::kInvalidArgument);
  std::vector<float> nan = {1, std::numeric_limits<float>::quiet_NaN(), 0};
  EXPECT_EQ(index.Add(0, nan).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(index.Add(0, std::vector<float>{1, 0, 0}).ok());
  std::vector<float> got(3);
  ASSERT_TRUE(index.GetVector(0, got).ok());
  EXPECT_EQ(got, (std::vector<float>{1, 0, 0}));
  EXPECT_EQ(index.GetVector(1, got).code(), StatusCode::kNotFound);
  EXPECT_EQ(index.Remove(5).code(), StatusCode::kNotFound);
  ASSERT_TRUE(index.Remove(0).ok());
  EXPECT_EQ(index.Remove(0).code(), StatusCode::kNotFound);
  EXPECT_EQ(index.Search(std::vector<float>{1, 0}, {.k = 1}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Search(std::vector<float>{1, 0, 0}, {.k = 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Search(nan, {.k = 1}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace quarry::vector
