// HnswIndex::BuildFile with a seed (a merge starting from its largest
// input's graph): the graph it writes is the one an AddBatch of the other
// rows to the seed gives, byte for byte on one thread; it finds what a
// build from scratch finds; and a seed that does not apply is ignored.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/testing/temp_dir.h"
#include "vector/hnsw_file_test_util.h"
#include "vector/hnsw_format.h"
#include "vector/hnsw_index.h"
#include "vector/hnsw_test_util.h"

namespace quarry::vector {
namespace {

namespace fmt = hnsw_format;
using testing::Clustered;
using testing::DataSet;
using testing::ReadAll;
using testing::SourceOf;
using testing::TestEnv;

constexpr uint32_t kSeedRows = 3000;

HnswConfig ConfigFor(Quantization q, DistanceKind d) {
  return testing::BuildTestConfig(q, d, /*threads=*/1);  // a deterministic graph
}

std::string GraphOf(const std::string& dir) {
  return ReadAll(dir + "/" + std::string(fmt::kGraphFile));
}

// The first `rows` rows of `data`, built into `dir` and opened.
std::unique_ptr<HnswIndex> BuildSeed(const DataSet& data, const HnswConfig& config, size_t rows,
                                     const std::string& dir) {
  EXPECT_TRUE(HnswIndex::BuildFile(TestEnv(), dir, data.dims, config, rows, SourceOf(data)).ok());
  auto opened = HnswIndex::Open(TestEnv(), dir, true);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(opened).value() : nullptr;
}

// Builds `data` into `dir` seeded with `seed`, promising its first
// `seed_rows` rows. Returns the rows whose links came from the seed, or
// kBuildFailed (and the test fails).
constexpr uint32_t kBuildFailed = 0xFFFFFFFFu;
uint32_t BuildSeeded(const DataSet& data, const HnswConfig& config, const std::string& dir,
                     const HnswIndex* seed, uint32_t seed_rows = kSeedRows) {
  uint32_t seeded = 12345;  // overwritten by every build
  const Status s =
      HnswIndex::BuildFile(TestEnv(), dir, data.dims, config, data.rows(), SourceOf(data),
                           {.seed = seed, .seed_rows = seed_rows, .seeded_rows = &seeded});
  EXPECT_TRUE(s.ok()) << s.ToString();
  return s.ok() ? seeded : kBuildFailed;
}

class HnswSeededBuild : public ::testing::TestWithParam<testing::BuildCase> {};

// The graph is the one the seed grows to when the other rows are added to
// it: byte for byte, on one thread. (On one thread that is also the graph of
// a build from scratch; the next test tells the two apart.)
TEST_P(HnswSeededBuild, WritesTheGraphOfTheSeedWithTheOtherRowsAdded) {
  const auto [q, d] = GetParam();
  const DataSet data = Clustered(5000, 48, 12, 1.0f, 21);
  const HnswConfig config = ConfigFor(q, d);
  quarry::testing::TempDir dir;
  const std::unique_ptr<HnswIndex> seed = BuildSeed(data, config, kSeedRows, dir.Sub("seed"));
  ASSERT_NE(seed, nullptr);
  ASSERT_EQ(BuildSeeded(data, config, dir.Sub("seeded"), seed.get()), kSeedRows);

  auto grown = HnswIndex::Open(TestEnv(), dir.Sub("seed"), true);
  ASSERT_TRUE(grown.ok());
  const std::span<const float> all(data.values);
  ASSERT_TRUE((*grown)->AddBatch(kSeedRows, all.subspan(kSeedRows * data.dims)).ok());
  ASSERT_TRUE((*grown)->Save(TestEnv(), dir.Sub("grown")).ok());
  const std::string seeded = GraphOf(dir.Sub("seeded"));
  ASSERT_FALSE(seeded.empty());
  // The whole body; of the header, all but the codes' CRC (the grown index
  // kept the seed's quantizer, trained on its rows; the build trains on all).
  std::string grown_graph = GraphOf(dir.Sub("grown"));
  ASSERT_EQ(grown_graph.size(), seeded.size());
  for (size_t at : {fmt::kGraphCodesCrcOffset, fmt::kHeaderCrcOffset}) {
    grown_graph.replace(at, 4, seeded, at, 4);
  }
  EXPECT_TRUE(seeded == grown_graph);
  ASSERT_TRUE(HnswIndex::BuildFile(TestEnv(), dir.Sub("scratch"), data.dims, config, data.rows(),
                                   SourceOf(data))
                  .ok());
  EXPECT_TRUE(ReadAll(dir.Sub("seeded") + "/" + std::string(fmt::kVectorsFile)) ==
              ReadAll(dir.Sub("scratch") + "/" + std::string(fmt::kVectorsFile)));
}

// A seed whose graph differs from the one a build from scratch would start
// with (its levels are drawn from another seed): the seeded build keeps its
// levels and links, draws the new rows' levels as a build from scratch
// does, and answers as well as one.
TEST_P(HnswSeededBuild, KeepsTheSeedsGraphAndFindsWhatABuildFromScratchFinds) {
  const auto [q, d] = GetParam();
  const DataSet data = Clustered(5000, 48, 12, 1.0f, 21);
  const HnswConfig config = ConfigFor(q, d);
  HnswConfig other_levels = config;
  other_levels.seed = config.seed + 1;
  quarry::testing::TempDir dir;
  const std::unique_ptr<HnswIndex> seed = BuildSeed(data, other_levels, kSeedRows, dir.Sub("seed"));
  ASSERT_NE(seed, nullptr);
  ASSERT_EQ(BuildSeeded(data, config, dir.Sub("seeded"), seed.get()), kSeedRows);
  ASSERT_TRUE(HnswIndex::BuildFile(TestEnv(), dir.Sub("scratch"), data.dims, config, data.rows(),
                                   SourceOf(data))
                  .ok());

  // The node metadata bytes (levels) lead the graph file's body.
  const auto levels = [&](const std::string& sub, size_t first, size_t n) {
    return GraphOf(dir.Sub(sub)).substr(fmt::kHeaderSize + first, n);
  };
  const std::string seeded_levels = levels("seeded", 0, data.rows());
  ASSERT_EQ(seeded_levels.size(), data.rows());
  EXPECT_EQ(seeded_levels.substr(0, kSeedRows), levels("seed", 0, kSeedRows));
  EXPECT_NE(seeded_levels.substr(0, kSeedRows), levels("scratch", 0, kSeedRows));
  EXPECT_EQ(seeded_levels.substr(kSeedRows), levels("scratch", kSeedRows, data.rows() - kSeedRows));

  auto seeded_index = HnswIndex::Open(TestEnv(), dir.Sub("seeded"), true);
  auto scratch_index = HnswIndex::Open(TestEnv(), dir.Sub("scratch"), true);
  ASSERT_TRUE(seeded_index.ok() && scratch_index.ok());
  ASSERT_EQ((*seeded_index)->live_count(), data.rows());
  double seeded_recall = 0, scratch_recall = 0;
  size_t queries = 0;
  for (size_t r = 1; r < data.rows(); r += 25, ++queries) {
    const std::vector<RowId> truth = testing::BruteForce(data, d, data.Row(r), 10);
    auto a = (*seeded_index)->Search(data.Row(r), {.k = 10, .ef = 64});
    auto b = (*scratch_index)->Search(data.Row(r), {.k = 10, .ef = 64});
    ASSERT_TRUE(a.ok() && b.ok());
    seeded_recall += testing::Recall(*a, truth);
    scratch_recall += testing::Recall(*b, truth);
  }
  seeded_recall /= static_cast<double>(queries);
  scratch_recall /= static_cast<double>(queries);
  EXPECT_GE(seeded_recall, scratch_recall - 0.02)
      << "seeded " << seeded_recall << ", from scratch " << scratch_recall;
  std::printf("recall@10: seeded %.3f, from scratch %.3f\n", seeded_recall, scratch_recall);
}

INSTANTIATE_TEST_SUITE_P(QuantizationsAndDistances, HnswSeededBuild,
                         ::testing::ValuesIn(testing::kBuildCases));

// Reads an .fvecs or .ivecs file (each vector: its dimension as int32,
// then that many 4-byte values) into `out`; returns the dimension, 0 if
// the file is missing or malformed.
template <typename T>
uint32_t ReadVecs(const std::string& path, std::vector<T>* out) {
  const std::string bytes = ReadAll(path);
  uint32_t dims = 0;
  for (size_t at = 0; at + 4 <= bytes.size();) {
    const auto d = testing::GetAt<uint32_t>(bytes, at);
    if (d == 0 || (dims != 0 && d != dims) || at + 4 + size_t{d} * 4 > bytes.size()) return 0;
    dims = d;
    const size_t first = out->size();
    out->resize(first + d);
    std::memcpy(out->data() + first, bytes.data() + at + 4, size_t{d} * 4);
    at += 4 + size_t{d} * 4;
  }
  return dims;
}

// On real data (BIGANN's 10,000 SIFT descriptors, L2, with their ground
// truth), a graph seeded with its first quarter, as a merge of four equal
// segments is, finds what the graph built from scratch finds.
TEST(HnswSeededBuildTest, OnBigann10kRecallMatchesABuildFromScratch) {
  const char* shared = std::getenv("QUARRY_SHARED_DIR");
  const std::string dir = std::string(shared ? shared : "../shared") + "/data/ann/bigann10k/";
  DataSet base, queries;
  std::vector<int32_t> truth;
  base.dims = ReadVecs(dir + "bigann10k_base.fvecs", &base.values);
  queries.dims = ReadVecs(dir + "bigann10k_query.fvecs", &queries.values);
  const uint32_t truth_k = ReadVecs(dir + "bigann10k_groundtruth.ivecs", &truth);
  if (base.dims == 0 || queries.dims != base.dims || truth_k < 10) {
    GTEST_SKIP() << "BIGANN 10k (base, queries, ground truth) is not readable under " << dir;
  }
  ASSERT_EQ(base.rows(), 10000u);
  for (Quantization q : {Quantization::kNone, Quantization::kInt8}) {
    SCOPED_TRACE(q == Quantization::kNone ? "float32" : "int8");
    HnswConfig config = testing::BuildTestConfig(q, DistanceKind::kL2, /*threads=*/2);
    config.m = 16;
    config.ef_construct = 100;
    quarry::testing::TempDir tmp;
    const std::unique_ptr<HnswIndex> seed =
        BuildSeed(base, config, base.rows() / 4, tmp.Sub("seed"));
    ASSERT_NE(seed, nullptr);
    const auto quarter = static_cast<uint32_t>(base.rows() / 4);
    ASSERT_EQ(BuildSeeded(base, config, tmp.Sub("seeded"), seed.get(), quarter), quarter);
    ASSERT_TRUE(HnswIndex::BuildFile(TestEnv(), tmp.Sub("scratch"), base.dims, config, base.rows(),
                                     SourceOf(base))
                    .ok());
    for (uint32_t ef : {16u, 64u}) {
      double recall[2] = {0, 0};
      for (int which = 0; which < 2; ++which) {
        auto index = HnswIndex::Open(TestEnv(), tmp.Sub(which == 0 ? "seeded" : "scratch"), true);
        ASSERT_TRUE(index.ok());
        for (size_t i = 0; i < queries.rows(); ++i) {
          auto hits = (*index)->Search(queries.Row(i), {.k = 10, .ef = ef});
          ASSERT_TRUE(hits.ok());
          const std::vector<RowId> want(truth.begin() + static_cast<ptrdiff_t>(i * truth_k),
                                        truth.begin() + static_cast<ptrdiff_t>(i * truth_k + 10));
          recall[which] += testing::Recall(*hits, want) / static_cast<double>(queries.rows());
        }
      }
      std::printf("bigann10k %s ef %u recall@10: seeded %.3f, from scratch %.3f\n",
                  q == Quantization::kNone ? "float32" : "int8", ef, recall[0], recall[1]);
      EXPECT_GE(recall[0], recall[1] - 0.02) << "ef " << ef;
    }
  }
}

// A seed that cannot start the graph leaves the build as it is from scratch.
TEST(HnswSeededBuildTest, ASeedThatDoesNotApplyIsIgnored) {
  const DataSet data = Clustered(4000, 32, 10, 1.0f, 23);
  const HnswConfig config = ConfigFor(Quantization::kInt8, DistanceKind::kCosine);
  quarry::testing::TempDir dir;
  ASSERT_TRUE(HnswIndex::BuildFile(TestEnv(), dir.Sub("scratch"), data.dims, config, data.rows(),
                                   SourceOf(data))
                  .ok());
  const std::string scratch = GraphOf(dir.Sub("scratch"));
  ASSERT_FALSE(scratch.empty());

  // Every seed draws its levels from another seed, so that its graph, if it
  // were used, would show in the result.
  HnswConfig other_levels = config;
  other_levels.seed = config.seed + 1;
  HnswConfig other_m = other_levels;
  other_m.m = 12;
  HnswConfig other_distance = other_levels;
  other_distance.distance = DistanceKind::kL2;
  HnswConfig unlinked = other_levels;
  unlinked.full_scan_threshold = kSeedRows + 1;
  const DataSet narrower = Clustered(kSeedRows, data.dims / 2, 10, 1.0f, 23);
  struct Seed {
    const char* why;
    const DataSet* data;
    HnswConfig config;
    size_t rows;
    uint32_t promised;  // the rows the caller says the seed holds
    bool remove_a_row;
  };
  const Seed seeds[] = {
      {"another m", &data, other_m, kSeedRows, kSeedRows, false},
      {"another distance", &data, other_distance, kSeedRows, kSeedRows, false},
      {"other dimensions", &narrower, other_levels, kSeedRows, kSeedRows, false},
      {"an unlinked seed", &data, unlinked, kSeedRows, kSeedRows, false},
      {"a seed with a removed row", &data, other_levels, kSeedRows, kSeedRows, true},
      {"fewer rows than promised", &data, other_levels, kSeedRows, kSeedRows + 1, false},
      {"more rows than promised", &data, other_levels, kSeedRows, kSeedRows - 1, false},
      {"a seed larger than the build", &data, other_levels, data.rows(), 0, false},
  };
  for (const Seed& s : seeds) {
    SCOPED_TRACE(s.why);
    quarry::testing::TempDir sub;
    std::unique_ptr<HnswIndex> seed = BuildSeed(*s.data, s.config, s.rows, sub.Sub("seed"));
    ASSERT_NE(seed, nullptr);
    if (s.remove_a_row) {
      ASSERT_TRUE(seed->Remove(7).ok());
    }
    if (s.rows == data.rows()) {
      // The build has fewer rows than the seed.
      const DataSet fewer = Clustered(data.rows() - 1, data.dims, 10, 1.0f, 23);
      EXPECT_EQ(BuildSeeded(fewer, config, sub.Sub("seeded"), seed.get(),
                            static_cast<uint32_t>(data.rows())),
                0u);
      ASSERT_TRUE(HnswIndex::BuildFile(TestEnv(), sub.Sub("fewer"), fewer.dims, config,
                                       fewer.rows(), SourceOf(fewer))
                      .ok());
      EXPECT_TRUE(GraphOf(sub.Sub("seeded")) == GraphOf(sub.Sub("fewer")));
      continue;
    }
    EXPECT_EQ(BuildSeeded(data, config, sub.Sub("seeded"), seed.get(), s.promised), 0u);
    EXPECT_TRUE(GraphOf(sub.Sub("seeded")) == scratch);
  }
}

}  // namespace
}  // namespace quarry::vector
