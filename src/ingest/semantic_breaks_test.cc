#include "ingest/semantic_breaks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ingest/chunk_packer.h"
#include "ingest/semantic_groups.h"

namespace quarry::ingest {
namespace {

constexpr size_t kDims = 4;

// One unit per topic index, each `tokens` long, in the given sections.
std::vector<ChunkUnit> Units(const std::vector<uint32_t>& sections, size_t tokens) {
  std::vector<ChunkUnit> units;
  for (size_t i = 0; i < sections.size(); ++i) {
    const uint32_t at = static_cast<uint32_t>(i * 10);
    units.push_back({text::Span{at, at + 9}, sections[i], tokens});
  }
  return units;
}

// Unit i's vector is the unit vector of axis topics[i], slightly tilted by i
// so that no two distances are exactly equal.
std::vector<float> TopicVectors(const std::vector<size_t>& topics) {
  std::vector<float> v(topics.size() * kDims, 0.0f);
  for (size_t i = 0; i < topics.size(); ++i) {
    float* row = v.data() + i * kDims;
    row[topics[i]] = 1.0f;
    row[3] = 0.01f * static_cast<float>(i % 3);
    const float norm = std::sqrt(row[topics[i]] * row[topics[i]] + row[3] * row[3]);
    for (size_t d = 0; d < kDims; ++d) row[d] /= norm;
  }
  return v;
}

std::vector<size_t> BreakUnits(const std::vector<UnitDistance>& breaks) {
  std::vector<size_t> units;
  for (const UnitDistance& b : breaks) units.push_back(b.unit);
  return units;
}

TEST(PercentileTest, InterpolatesLinearlyBetweenRanksLikeNumpy) {
  EXPECT_DOUBLE_EQ(Percentile({4, 1, 3, 2}, 50), 2.5);
  EXPECT_DOUBLE_EQ(Percentile({1, 2, 3, 4, 5}, 95), 4.8);
  EXPECT_DOUBLE_EQ(Percentile({1, 2, 3, 4, 5}, 100), 5);
  EXPECT_DOUBLE_EQ(Percentile({1, 2, 3, 4, 5}, 0), 1);
  EXPECT_DOUBLE_EQ(Percentile({7}, 95), 7);
  EXPECT_DOUBLE_EQ(Percentile({}, 95), 0);
}

TEST(SemanticBreaksTest, GapDistancesMatchTheHandComputedValues) {
  // Topics a a a b b b, exactly orthogonal. Blocks at the gaps: {a}|{a,a},
  // {a,a}|{a,b}, {a,a}|{b,b}, {a,b}|{b,b}, {b,b}|{b}.
  std::vector<float> v(6 * kDims, 0.0f);
  for (size_t i = 0; i < 6; ++i) v[i * kDims + (i < 3 ? 0 : 1)] = 1.0f;
  const std::vector<UnitDistance> d = NeighbourDistances(Units({0, 0, 0, 0, 0, 0}, 5), v, kDims);
  ASSERT_EQ(d.size(), 5u);
  const double half = 1.0 - 1.0 / std::sqrt(2.0);  // 2a against a+b
  EXPECT_NEAR(d[0].distance, 0.0, 1e-9);
  EXPECT_NEAR(d[1].distance, half, 1e-9);
  EXPECT_EQ(d[2].unit, 3u);
  EXPECT_NEAR(d[2].distance, 1.0, 1e-9);
  EXPECT_NEAR(d[3].distance, half, 1e-9);
  EXPECT_NEAR(d[4].distance, 0.0, 1e-9);
}

TEST(SemanticBreaksTest, BreaksWhereTheTopicChanges) {
  const std::vector<size_t> topics = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
  const std::vector<UnitDistance> breaks = SemanticBreaks(
      Units(std::vector<uint32_t>(topics.size(), 0), 5), TopicVectors(topics), kDims, 95);
  EXPECT_EQ(BreakUnits(breaks), std::vector<size_t>({6}));
}

TEST(SemanticBreaksTest, LowerPercentileFindsEveryTopicChange) {
  const std::vector<size_t> topics = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
  const auto units = Units(std::vector<uint32_t>(topics.size(), 0), 5);
  const std::vector<float> v = TopicVectors(topics);
  // 11 distances, 2 of them topic changes: above the 80th percentile are
  // the two largest.
  EXPECT_EQ(BreakUnits(SemanticBreaks(units, v, kDims, 80)), std::vector<size_t>({4, 8}));
}

TEST(SemanticBreaksTest, UniformVectorsGiveNoBreak) {
  const auto units = Units(std::vector<uint32_t>(20, 0), 5);
  const std::vector<float> v = TopicVectors(std::vector<size_t>(20, 2));
  std::vector<float> same(v.size(), 0.0f);
  for (size_t i = 0; i < 20; ++i) same[i * kDims + 1] = 1.0f;
  for (double p : {10.0, 50.0, 95.0}) {
    EXPECT_TRUE(SemanticBreaks(units, same, kDims, p).empty()) << p;
  }
}

TEST(SemanticBreaksTest, PercentileHundredGivesNoBreaks) {
  const std::vector<size_t> topics = {0, 0, 0, 1, 1, 1, 2, 2, 2};
  EXPECT_TRUE(
      SemanticBreaks(Units(std::vector<uint32_t>(9, 0), 5), TopicVectors(topics), kDims, 100)
          .empty());
}

TEST(SemanticBreaksTest, NoDistanceSpansTwoSections) {
  // Topic changes exactly at the section boundary: nothing to break there.
  const std::vector<size_t> topics = {0, 0, 0, 1, 1, 1};
  const auto units = Units({0, 0, 0, 1, 1, 1}, 5);
  const std::vector<UnitDistance> d = NeighbourDistances(units, TopicVectors(topics), kDims);
  ASSERT_EQ(d.size(), 4u);
  for (const UnitDistance& x : d) EXPECT_NE(x.unit, 3u);
  for (const UnitDistance& b : SemanticBreaks(units, TopicVectors(topics), kDims, 50)) {
    EXPECT_NE(b.unit, 3u);
  }
}

TEST(SemanticBreaksTest, FewerThanTwoDistancesGiveNoBreak) {
  const std::vector<size_t> topics = {0, 1};
  EXPECT_TRUE(SemanticBreaks(Units({0, 0}, 5), TopicVectors(topics), kDims, 50).empty());
}

TEST(SemanticBreaksTest, ZeroAndNonFiniteVectorsAreHandled) {
  // An empty unit's zero vector is far from everything; a NaN counts as no change.
  const auto units = Units(std::vector<uint32_t>(4, 0), 5);
  std::vector<float> v = TopicVectors({0, 0, 0, 0});
  for (size_t d = 0; d < kDims; ++d) v[d] = 0.0f;  // unit 0: zero
  std::vector<UnitDistance> d = NeighbourDistances(units, v, kDims);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_DOUBLE_EQ(d[0].distance, 1.0);
  v[3 * kDims] = std::nanf("");
  d = NeighbourDistances(units, v, kDims);
  EXPECT_DOUBLE_EQ(d[2].distance, 0.0);
  EXPECT_EQ(SemanticBreaks(units, v, kDims, 50).size(), 1u);
}

// The estimated tokens of a range's units, plus the overhead (0 here).
size_t RangeTokens(const std::vector<ChunkUnit>& units, const UnitRange& r) {
  size_t sum = 0;
  for (size_t u = r.first; u < r.last; ++u) sum += units[u].tokens;
  return sum;
}

TEST(SemanticGroupsTest, AGroupWithinTheCapIsOneChunkWithoutOverlap) {
  const auto units = Units(std::vector<uint32_t>(12, 0), 10);
  const ChunkPacker packer(units, 1, 40, 0.25, 0);
  const std::vector<UnitRange> ranges = PackSemanticGroups(units, {{6, 0.5}}, packer, {40, 60, 0});
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].first, 0u);
  EXPECT_EQ(ranges[0].last, 6u);  // 60 tokens: over the target, within the cap
  EXPECT_EQ(ranges[1].first, 6u);
  EXPECT_EQ(ranges[1].fresh, 6u);
  EXPECT_EQ(ranges[1].last, 12u);
}

TEST(SemanticGroupsTest, AGroupOverTheCapIsPackedToTheTarget) {
  // One long section, no break at all: the structure rules apply.
  const auto units = Units(std::vector<uint32_t>(100, 0), 10);
  const ChunkPacker packer(units, 1, 40, 0.25, 0);
  const std::vector<UnitRange> ranges = PackSemanticGroups(units, {}, packer, {40, 60, 0});
  ASSERT_GT(ranges.size(), 20u);
  size_t covered = 0;
  for (const UnitRange& r : ranges) {
    EXPECT_LE(RangeTokens(units, r), 40u);
    EXPECT_EQ(r.fresh, covered);
    covered = r.last;
  }
  EXPECT_EQ(covered, units.size());
  EXPECT_LT(ranges[1].first, ranges[1].fresh) << "overlap inside a packed group";
}

TEST(SemanticGroupsTest, TinyGroupJoinsItsMoreAlikeNeighbour) {
  // Groups [0,4) [4,5) [5,9): the one-unit group is tiny (4 * 10 < 80) and
  // closer to the right (distance 0.3 against 0.6).
  const auto units = Units(std::vector<uint32_t>(9, 0), 10);
  const ChunkPacker packer(units, 1, 80, 0.0, 0);
  std::vector<UnitRange> ranges =
      PackSemanticGroups(units, {{4, 0.6}, {5, 0.3}}, packer, {80, 100, 0});
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].last, 4u);
  EXPECT_EQ(ranges[1].first, 4u);
  // Closer to the left: it joins the left.
  ranges = PackSemanticGroups(units, {{4, 0.3}, {5, 0.6}}, packer, {80, 100, 0});
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].last, 5u);
  // Neither neighbour has room under the cap: it stays alone.
  ranges = PackSemanticGroups(units, {{4, 0.3}, {5, 0.6}}, packer, {80, 45, 0});
  EXPECT_EQ(ranges.size(), 3u);
}

TEST(SemanticGroupsTest, TinySectionRunsOnIntoTheNext) {
  // A one-unit section (a heading line) before a section of eight units.
  const auto units = Units({0, 1, 1, 1, 1, 1, 1, 1, 1}, 10);
  const ChunkPacker packer(units, 2, 80, 0.0, 0);
  const std::vector<UnitRange> ranges = PackSemanticGroups(units, {}, packer, {80, 100, 0});
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].first, 0u);
  EXPECT_EQ(ranges[0].last, 9u);
}

}  // namespace
}  // namespace quarry::ingest
