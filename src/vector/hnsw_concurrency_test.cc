// Searches running while rows are added and removed: no crash, no data race
// (this test is also built with -fsanitize=thread), and every result valid:
// sorted, distinct, known rows, and never a row whose removal finished
// before the search began.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "vector/hnsw_index.h"
#include "vector/hnsw_test_util.h"

namespace quarry::vector {
namespace {

using testing::Clustered;
using testing::DataSet;

constexpr uint32_t kDims = 16;
constexpr uint32_t kTotal = 4000;

class HnswConcurrencyTest : public ::testing::TestWithParam<Quantization> {};

TEST_P(HnswConcurrencyTest, SearchesDuringAddsAndRemoves) {
  const DataSet data = Clustered(kTotal, kDims, 20, 1.0f, 51);
  HnswConfig c;
  c.full_scan_threshold = 1500;  // both paths: scans early on, graph later
  c.quantization = GetParam();
  c.build_threads = 2;
  auto created = HnswIndex::Create(kDims, c);
  ASSERT_TRUE(created.ok());
  HnswIndex& index = **created;
  ASSERT_TRUE(index.AddBatch(0, {data.values.data(), size_t{1000} * kDims}).ok());

  // removal_epoch[r] = the epoch at which Remove(r) had returned (0: never).
  std::vector<std::atomic<uint64_t>> removal_epoch(kTotal);
  std::atomic<uint64_t> epoch{0};
  std::atomic<bool> done{false};
  std::atomic<uint64_t> searches{0};
  std::atomic<uint64_t> self_hits{0};
  std::atomic<uint64_t> self_queries{0};

  std::thread writer([&] {
    uint32_t next = 1000;
    while (next < kTotal) {
      if (next % 500 == 0 && next + 200 <= kTotal) {
        // Batches run on their own worker threads, next to the searches.
        EXPECT_TRUE(
            index.AddBatch(next, {data.values.data() + size_t{next} * kDims, size_t{200} * kDims})
                .ok());
        next += 200;
      } else {
        EXPECT_TRUE(index.Add(next, data.Row(next)).ok());
        ++next;
      }
      if (next % 7 == 0) {
        const RowId victim = next / 2;
        if (removal_epoch[victim].load() == 0 && index.Remove(victim).ok()) {
          const uint64_t e = epoch.load() + 1;
          removal_epoch[victim].store(e);
          epoch.store(e);
        }
      }
    }
    done.store(true);
  });

  auto searcher = [&](uint64_t seed, bool filtered) {
    std::mt19937_64 rng(seed);
    RowFilter half(kTotal);
    for (RowId r = 0; r < kTotal; r += 2) half.Allow(r);
    while (!done.load()) {
      const RowId probe = static_cast<RowId>(rng() % 1000);  // added before the start
      const uint64_t e0 = epoch.load();
      SearchParams p{.k = 10, .ef = 32, .filter = filtered ? &half : nullptr};
      auto got = index.Search(data.Row(probe), p);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_LE(got->size(), 10u);
      std::set<RowId> seen;
      for (size_t i = 0; i < got->size(); ++i) {
        const Neighbor& n = (*got)[i];
        ASSERT_LT(n.row, kTotal);
        ASSERT_TRUE(seen.insert(n.row).second) << "duplicate row " << n.row;
        if (i > 0) {
          ASSERT_GE((*got)[i - 1].score, n.score);
        }
        const uint64_t removed_at = removal_epoch[n.row].load();
        ASSERT_TRUE(removed_at == 0 || removed_at > e0) << "row " << n.row << " was removed";
        if (filtered) {
          ASSERT_EQ(n.row % 2, 0u);
        }
      }
      if (!filtered && removal_epoch[probe].load() == 0) {
        self_queries.fetch_add(1);
        self_hits.fetch_add(!got->empty() && (*got)[0].row == probe);
      }
      searches.fetch_add(1);
    }
  };
  std::thread s1(searcher, 1, false);
  std::thread s2(searcher, 2, true);
  writer.join();
  s1.join();
  s2.join();

  EXPECT_GT(searches.load(), 0u);
  EXPECT_EQ(index.live_count() + epoch.load(), kTotal);
  // Rows present from the start find themselves (the graph stays navigable
  // while it grows).
  if (self_queries.load() > 20) {
    EXPECT_GE(static_cast<double>(self_hits.load()) / static_cast<double>(self_queries.load()),
              0.9);
  }
  // After the writer is done, every live row is findable by its own vector.
  size_t found = 0;
  size_t live = 0;
  for (RowId r = 0; r < kTotal; r += 37) {
    if (removal_epoch[r].load() != 0) continue;
    ++live;
    auto self = index.Search(data.Row(r), {.k = 1, .ef = 64});
    ASSERT_TRUE(self.ok());
    found += !self->empty() && (*self)[0].row == r;
  }
  EXPECT_GE(static_cast<double>(found), 0.95 * static_cast<double>(live));
}

INSTANTIATE_TEST_SUITE_P(Quantizations, HnswConcurrencyTest,
                         ::testing::Values(Quantization::kNone, Quantization::kInt8),
                         [](const auto& p) { return std::string(QuantizationName(p.param)); });

}  // namespace
}  // namespace quarry::vector
