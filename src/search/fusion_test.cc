#include "search/fusion.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <vector>

namespace quarry::search {
namespace {

constexpr ChunkKey kA{0, 1}, kB{0, 2}, kC{0, 3}, kD{0, 4};

// keyword: A 10, B 8, C 6; vector: C 0.9, D 0.8, A 0.5.
const std::vector<RankedHit> kKeyword = {{kA, 10}, {kB, 8}, {kC, 6}};
const std::vector<RankedHit> kVector = {{kC, 0.9}, {kD, 0.8}, {kA, 0.5}};

std::vector<ChunkKey> Keys(const std::vector<FusedHit>& hits) {
  std::vector<ChunkKey> keys;
  for (const FusedHit& h : hits) keys.push_back(h.key);
  return keys;
}

TEST(FusionTest, RrfByHand) {
  const auto fused = Fuse(kKeyword, kVector, FusionOptions{});
  ASSERT_TRUE(fused.ok()) << fused.status().ToString();
  // A = 1/61 + 1/63 = C (ranks swapped); B = D = 1/62. Ties: best rank (1 for
  // A and C, 2 for B and D), then key.
  EXPECT_EQ(Keys(*fused), (std::vector<ChunkKey>{kA, kC, kB, kD}));
  const FusedHit& a = (*fused)[0];
  EXPECT_DOUBLE_EQ(a.score, 1.0 / 61 + 1.0 / 63);
  EXPECT_NEAR(a.score, 0.0322664585, 1e-10);
  EXPECT_EQ((*fused)[1].score, a.score);  // exactly: summed in retriever order
  ASSERT_TRUE(a.of(Retriever::kKeyword).has_value());
  ASSERT_TRUE(a.of(Retriever::kVector).has_value());
  EXPECT_EQ(a.of(Retriever::kKeyword)->rank, 1u);
  EXPECT_EQ(a.of(Retriever::kKeyword)->score, 10);
  EXPECT_EQ(a.of(Retriever::kVector)->rank, 3u);
  EXPECT_EQ(a.of(Retriever::kVector)->score, 0.5);
  EXPECT_DOUBLE_EQ(a.of(Retriever::kVector)->contribution, 1.0 / 63);
  // keyword share = (1/61) / (1/61 + 1/63) = 63/124.
  EXPECT_NEAR(a.share(Retriever::kKeyword), 63.0 / 124, 1e-12);
  EXPECT_NEAR(a.share(Retriever::kVector), 61.0 / 124, 1e-12);
  const FusedHit& d = (*fused)[3];
  EXPECT_DOUBLE_EQ(d.score, 1.0 / 62);
  EXPECT_FALSE(d.of(Retriever::kKeyword).has_value());
  EXPECT_EQ(d.share(Retriever::kKeyword), 0);
  EXPECT_EQ(d.share(Retriever::kVector), 1);
  EXPECT_EQ(d.best_rank(), 2u);
}

TEST(FusionTest, RrfConstantChangesTheBalance) {
  // k = 0: A = 1 + 1/3, C = 1/3 + 1, B = D = 1/2.
  FusionOptions options;
  options.rrf_k = 0;
  const auto fused = Fuse(kKeyword, kVector, options);
  ASSERT_TRUE(fused.ok());
  EXPECT_DOUBLE_EQ((*fused)[0].score, 4.0 / 3);
  EXPECT_DOUBLE_EQ((*fused)[2].score, 0.5);
}

TEST(FusionTest, BlendByHand) {
  // Keyword normalized: A 1, B (8-6)/4 = 0.5, C 0. Vector: C 1,
  // D (0.8-0.5)/0.4 = 0.75, A 0.
  FusionOptions options;
  options.method = FusionMethod::kBlend;
  options.alpha = 0.5;
  auto fused = Fuse(kKeyword, kVector, options);
  ASSERT_TRUE(fused.ok());
  // A 0.5, C 0.5 (tie: best rank 1 both, then key), D 0.375, B 0.25.
  EXPECT_EQ(Keys(*fused), (std::vector<ChunkKey>{kA, kC, kD, kB}));
  EXPECT_DOUBLE_EQ((*fused)[0].score, 0.5);
  EXPECT_DOUBLE_EQ((*fused)[2].score, 0.375);
  EXPECT_DOUBLE_EQ((*fused)[3].score, 0.25);
  EXPECT_DOUBLE_EQ((*fused)[2].of(Retriever::kVector)->normalized, 0.75);
  EXPECT_DOUBLE_EQ((*fused)[3].of(Retriever::kKeyword)->normalized, 0.5);

  // alpha 0.8: A 0.2, B 0.1, C 0.8, D 0.6.
  options.alpha = 0.8;
  fused = Fuse(kKeyword, kVector, options);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ(Keys(*fused), (std::vector<ChunkKey>{kC, kD, kA, kB}));
  EXPECT_DOUBLE_EQ((*fused)[0].score, 0.8);
  EXPECT_DOUBLE_EQ((*fused)[1].score, 0.8 * 0.75);
  EXPECT_NEAR((*fused)[2].score, 0.2, 1e-15);
  EXPECT_NEAR((*fused)[3].score, 0.1, 1e-15);
  // C: keyword gave 0 (its normalized score is the minimum), vector all of it.
  EXPECT_EQ((*fused)[0].share(Retriever::kVector), 1);
  EXPECT_EQ((*fused)[0].share(Retriever::kKeyword), 0);
  EXPECT_EQ((*fused)[0].of(Retriever::kKeyword)->rank, 3u);
}

TEST(FusionTest, BlendAlphaExtremesFollowOneRetriever) {
  FusionOptions options;
  options.method = FusionMethod::kBlend;
  options.alpha = 0;
  auto fused = Fuse(kKeyword, kVector, options);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].key, kA);
  EXPECT_EQ((*fused)[1].key, kB);
  options.alpha = 1;
  fused = Fuse(kKeyword, kVector, options);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].key, kC);
  EXPECT_EQ((*fused)[1].key, kD);
}

TEST(FusionTest, BlendWithOneHitOrEqualScoresNormalizesToOne) {
  FusionOptions options;
  options.method = FusionMethod::kBlend;
  options.alpha = 0.25;
  const std::vector<RankedHit> one = {{kB, -3.5}};
  const std::vector<RankedHit> equal = {{kA, 0.7}, {kC, 0.7}};
  const auto fused = Fuse(one, equal, options);
  ASSERT_TRUE(fused.ok());
  // B: 0.75 · 1; A, C: 0.25 · 1 each (tie by best rank: A 1, C 2).
  EXPECT_EQ(Keys(*fused), (std::vector<ChunkKey>{kB, kA, kC}));
  EXPECT_DOUBLE_EQ((*fused)[0].score, 0.75);
  EXPECT_DOUBLE_EQ((*fused)[0].of(Retriever::kKeyword)->normalized, 1.0);
  EXPECT_DOUBLE_EQ((*fused)[1].score, 0.25);
  EXPECT_DOUBLE_EQ((*fused)[2].score, 0.25);
}

TEST(FusionTest, BlendSurvivesScoresAtTheEndsOfTheDoubleRange) {
  FusionOptions options;
  options.method = FusionMethod::kBlend;
  const double big = std::numeric_limits<double>::max();
  const std::vector<RankedHit> keyword = {{kA, big}, {kB, 0}, {kC, -big}};
  const auto fused = Fuse(keyword, {}, options);
  ASSERT_TRUE(fused.ok());
  EXPECT_DOUBLE_EQ((*fused)[0].of(Retriever::kKeyword)->normalized, 1);
  EXPECT_DOUBLE_EQ((*fused)[1].of(Retriever::kKeyword)->normalized, 0.5);
  EXPECT_DOUBLE_EQ((*fused)[2].of(Retriever::kKeyword)->normalized, 0);
}

TEST(FusionTest, DuplicateKeysCountOnceAtTheirBestRank) {
  const std::vector<RankedHit> vector = {{kA, 0.9}, {kB, 0.8}, {kA, 0.7}};
  const auto fused = Fuse({}, vector, FusionOptions{});
  ASSERT_TRUE(fused.ok());
  ASSERT_EQ(fused->size(), 2u);
  EXPECT_EQ((*fused)[0].key, kA);
  EXPECT_EQ((*fused)[0].of(Retriever::kVector)->rank, 1u);
  EXPECT_DOUBLE_EQ((*fused)[0].score, 1.0 / 61);
  EXPECT_EQ((*fused)[1].of(Retriever::kVector)->rank, 2u);
}

TEST(FusionTest, EmptyInputsAndLimit) {
  auto fused = Fuse({}, {}, FusionOptions{});
  ASSERT_TRUE(fused.ok());
  EXPECT_TRUE(fused->empty());
  FusionOptions options;
  options.limit = 2;
  fused = Fuse(kKeyword, kVector, options);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ(Keys(*fused), (std::vector<ChunkKey>{kA, kC}));
}

TEST(FusionTest, BadOptionsAndScoresAreRefused) {
  FusionOptions options;
  options.alpha = 1.5;
  EXPECT_EQ(Fuse(kKeyword, kVector, options).status().code(), StatusCode::kInvalidArgument);
  options.alpha = std::nan("");
  EXPECT_EQ(Fuse(kKeyword, kVector, options).status().code(), StatusCode::kInvalidArgument);
  options = FusionOptions{};
  options.rrf_k = -1;
  EXPECT_EQ(Fuse(kKeyword, kVector, options).status().code(), StatusCode::kInvalidArgument);
  options.rrf_k = std::numeric_limits<double>::infinity();
  EXPECT_EQ(Fuse(kKeyword, kVector, options).status().code(), StatusCode::kInvalidArgument);

  const std::vector<RankedHit> bad = {{kA, std::nan("")}};
  EXPECT_TRUE(Fuse(bad, kVector, FusionOptions{}).ok());  // RRF ignores scores
  options = FusionOptions{};
  options.method = FusionMethod::kBlend;
  const auto refused = Fuse(kKeyword, bad, options);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("vector"), std::string::npos);
}

TEST(FusionTest, MethodNames) {
  EXPECT_EQ(*ParseFusionMethod("rrf"), FusionMethod::kRrf);
  EXPECT_EQ(*ParseFusionMethod("blend"), FusionMethod::kBlend);
  EXPECT_FALSE(ParseFusionMethod("RRF").ok());
  EXPECT_EQ(FusionMethodName(FusionMethod::kBlend), "blend");
  EXPECT_EQ(RetrieverName(Retriever::kVector), "vector");
}

// Random lists against a direct computation of the definitions.
TEST(FusionTest, RandomListsMatchTheDefinitions) {
  std::mt19937_64 rng(8);
  for (int round = 0; round < 300; ++round) {
    std::vector<RankedHit> lists[2];
    for (auto& list : lists) {
      const int n = static_cast<int>(rng() % 30);
      double score = 100;
      for (int i = 0; i < n; ++i) {
        score -= static_cast<double>(rng() % 3);  // ties happen
        list.push_back({ChunkKey{rng() % 3, static_cast<uint32_t>(rng() % 20)}, score});
      }
    }
    FusionOptions options;
    options.method = round % 2 == 0 ? FusionMethod::kRrf : FusionMethod::kBlend;
    options.alpha = static_cast<double>(rng() % 11) / 10;
    options.rrf_k = static_cast<double>(rng() % 100);
    const auto fused = Fuse(lists[0], lists[1], options);
    ASSERT_TRUE(fused.ok());

    // Expected: per key, first rank in each list, and the fused score.
    std::map<ChunkKey, double> expected;
    for (size_t r = 0; r < 2; ++r) {
      std::map<ChunkKey, size_t> first;
      double lo = INFINITY, hi = -INFINITY;
      for (size_t i = 0; i < lists[r].size(); ++i) {
        if (first.emplace(lists[r][i].key, i).second) {
          lo = std::min(lo, lists[r][i].score);
          hi = std::max(hi, lists[r][i].score);
        }
      }
      for (const auto& [key, i] : first) {
        double c;
        if (options.method == FusionMethod::kRrf) {
          c = 1.0 / (options.rrf_k + static_cast<double>(i + 1));
        } else {
          const double norm = hi > lo ? (lists[r][i].score - lo) / (hi - lo) : 1.0;
          c = (r == 0 ? 1 - options.alpha : options.alpha) * norm;
        }
        expected[key] += c;
      }
    }
    ASSERT_EQ(fused->size(), expected.size());
    for (size_t i = 0; i < fused->size(); ++i) {
      const FusedHit& h = (*fused)[i];
      EXPECT_NEAR(h.score, expected[h.key], 1e-12);
      if (h.score > 0) {
        EXPECT_NEAR(h.share(Retriever::kKeyword) + h.share(Retriever::kVector), 1, 1e-12);
      }
      if (i == 0) continue;
      const FusedHit& prev = (*fused)[i - 1];
      ASSERT_GE(prev.score, h.score);
      if (prev.score == h.score) {
        ASSERT_LE(prev.best_rank(), h.best_rank());
        if (prev.best_rank() == h.best_rank()) {
          ASSERT_LT(prev.key, h.key);
        }
      }
    }
  }
}

}  // namespace
}  // namespace quarry::search
