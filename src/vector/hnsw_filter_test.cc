// Filtered search: recall at filters from 100% down to 0.1% of the rows, on
// the automatic plan (what users get) and on each path forced (the graph
// traversal with a filter, and the exact scan over the allowed rows).
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "vector/hnsw_index.h"
#include "vector/hnsw_insert.h"
#include "vector/hnsw_search.h"
#include "vector/hnsw_state.h"
#include "vector/hnsw_test_util.h"

namespace quarry::vector {
namespace {

using testing::BruteForce;
using testing::Clustered;
using testing::DataSet;
using testing::Recall;

constexpr uint32_t kDims = 32;
constexpr uint32_t kRows = 20000;
constexpr size_t kQueries = 60;

// One index shared by the tests of this file (building it is the slow part).
class HnswFilterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    all_ = new DataSet(Clustered(kRows + kQueries, kDims, 100, 1.0f, 31, &clusters_));
    base_ = new DataSet{kDims, {all_->values.begin(), all_->values.begin() + kRows * kDims}};
    HnswConfig c;
    c.full_scan_threshold = 0;
    c.quantization = Quantization::kInt8;
    c.build_threads = 2;
    state_ = new HnswState(kDims, c);
    std::lock_guard<std::mutex> lock(state_->writer);
    ASSERT_TRUE(InsertRows(*state_, 0, base_->values, 2).ok());
  }
  static void TearDownTestSuite() {
    delete state_;
    delete base_;
    delete all_;
  }

  static std::span<const float> Query(size_t q) { return all_->Row(kRows + q); }

  // A filter keeping each row with probability `fraction` (independent of
  // the vectors), and the same set as a predicate.
  static RowFilter RandomFilter(double fraction, uint64_t seed, std::vector<bool>& keep) {
    std::mt19937_64 rng(seed);
    std::bernoulli_distribution pick(fraction);
    RowFilter f(kRows);
    keep.assign(kRows, false);
    for (RowId r = 0; r < kRows; ++r) {
      if (pick(rng)) {
        f.Allow(r);
        keep[r] = true;
      }
    }
    return f;
  }

  static double FilteredRecall(const RowFilter& filter, const std::vector<bool>& keep,
                               SearchPlan plan, uint32_t ef = 0) {
    double sum = 0;
    for (size_t q = 0; q < kQueries; ++q) {
      SearchParams p{.k = 10, .ef = ef, .filter = &filter};
      auto got = SearchHnsw(*state_, Query(q), p, plan);
      EXPECT_TRUE(got.ok());
      for (const Neighbor& n : *got) EXPECT_TRUE(keep[n.row]) << "row outside the filter";
      sum += Recall(*got, BruteForce(*base_, DistanceKind::kCosine, Query(q), 10,
                                     [&](RowId r) { return keep[r]; }));
    }
    return sum / kQueries;
  }

  static DataSet* all_;
  static DataSet* base_;
  static std::vector<uint32_t> clusters_;
  static HnswState* state_;
};

DataSet* HnswFilterTest::all_ = nullptr;
DataSet* HnswFilterTest::base_ = nullptr;
std::vector<uint32_t> HnswFilterTest::clusters_;
HnswState* HnswFilterTest::state_ = nullptr;

TEST_F(HnswFilterTest, AutomaticPlanKeepsRecallFromAllRowsToNone) {
  for (double fraction : {1.0, 0.5, 0.1, 0.01, 0.001}) {
    std::vector<bool> keep;
    const RowFilter f = RandomFilter(fraction, 100 + static_cast<uint64_t>(fraction * 1000), keep);
    const double recall = FilteredRecall(f, keep, SearchPlan::kAuto);
    EXPECT_GE(recall, 0.95) << "filter keeping " << fraction;
  }
  RowFilter none(kRows);
  auto got = SearchHnsw(*state_, Query(0), {.k = 10, .filter = &none});
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

TEST_F(HnswFilterTest, GraphTraversalWithFilterKeepsRecall) {
  // Forced through the graph even where the planner would scan: the walk
  // must widen itself until it holds ef allowed rows.
  for (double fraction : {0.5, 0.1, 0.03}) {
    std::vector<bool> keep;
    const RowFilter f = RandomFilter(fraction, 200 + static_cast<uint64_t>(fraction * 1000), keep);
    EXPECT_GE(FilteredRecall(f, keep, SearchPlan::kGraph), 0.95) << "filter keeping " << fraction;
  }
}

TEST_F(HnswFilterTest, FilterCorrelatedWithTheData) {
  // Allowed rows are whole clusters other than the query's own: the graph
  // walk has to leave the query's neighbourhood to find them.
  for (SearchPlan plan : {SearchPlan::kAuto, SearchPlan::kGraph}) {
    double sum = 0;
    for (size_t q = 0; q < kQueries; ++q) {
      const uint32_t own = [&] {
        // The query's cluster: that of its nearest row.
        return clusters_[BruteForce(*base_, DistanceKind::kCosine, Query(q), 1)[0]];
      }();
      RowFilter f(kRows);
      std::vector<bool> keep(kRows, false);
      for (RowId r = 0; r < kRows; ++r) {
        if (clusters_[r] % 10 == 3 && clusters_[r] != own) {
          f.Allow(r);
          keep[r] = true;
        }
      }
      SearchParams p{.k = 10, .filter = &f};
      auto got = SearchHnsw(*state_, Query(q), p, plan);
      ASSERT_TRUE(got.ok());
      for (const Neighbor& n : *got) ASSERT_TRUE(keep[n.row]);
      sum += Recall(*got, BruteForce(*base_, DistanceKind::kCosine, Query(q), 10,
                                     [&](RowId r) { return keep[r]; }));
    }
    EXPECT_GE(sum / kQueries, 0.9) << "plan " << static_cast<int>(plan);
  }
}

TEST_F(HnswFilterTest, ExactScanOverAllowedRowsIsExact) {
  std::vector<bool> keep;
  const RowFilter f = RandomFilter(0.05, 7, keep);
  EXPECT_GE(FilteredRecall(f, keep, SearchPlan::kExact), 0.999);
}

TEST_F(HnswFilterTest, FilterOverFewerRowsThanTheIndex) {
  // Rows added after the filter was built are outside it.
  RowFilter f(100);
  for (RowId r = 0; r < 100; r += 2) f.Allow(r);
  auto got = SearchHnsw(*state_, Query(1), {.k = 10, .filter = &f});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 10u);
  for (const Neighbor& n : *got) EXPECT_TRUE(n.row < 100 && n.row % 2 == 0);
}

TEST(HnswFilterPlanTest, ExactScanWhenSelectiveOrCheaper) {
  HnswConfig c;  // exact_filter_selectivity 0.02, m 32
  c.quantization = Quantization::kInt8;
  // At a million rows a 1% filter is scanned (10,000 rows are within the
  // configured 2%), a 10% filter walks the graph.
  EXPECT_TRUE(ExactScanIsBetter(c, 10000, 1000000, 64));
  EXPECT_TRUE(ExactScanIsBetter(c, 1000, 1000000, 64));
  EXPECT_FALSE(ExactScanIsBetter(c, 100000, 1000000, 64));
  EXPECT_FALSE(ExactScanIsBetter(c, 1000000, 1000000, 64));
  // Small indexes scan at higher selectivity: at 20,000 rows, 5% is
  // 1,000 rows to scan against ~1,300 expansions of the graph.
  EXPECT_TRUE(ExactScanIsBetter(c, 1000, 20000, 64));
  EXPECT_FALSE(ExactScanIsBetter(c, 20000, 20000, 64));
  c.exact_filter_selectivity = 0.5;
  EXPECT_TRUE(ExactScanIsBetter(c, 400000, 1000000, 64));
  c.exact_filter_selectivity = 0;
  EXPECT_FALSE(ExactScanIsBetter(c, 100000, 1000000, 64));
  EXPECT_TRUE(ExactScanIsBetter(c, 0, 1000000, 64));
}

}  // namespace
}  // namespace quarry::vector
