// HnswIndex::BuildFile: the files it writes are those Create + AddBatch + Save
// write (byte for byte on one thread), and bad sources fail cleanly.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "base/testing/temp_dir.h"
#include "vector/hnsw_file_test_util.h"
#include "vector/hnsw_format.h"
#include "vector/hnsw_index.h"
#include "vector/hnsw_test_util.h"

namespace quarry::vector {
namespace {

namespace fmt = hnsw_format;
using testing::BuildTestConfig;
using testing::Clustered;
using testing::DataSet;
using testing::ReadAll;
using testing::SourceOf;
using testing::TestEnv;

std::vector<std::string> IndexFiles(Quantization q) {
  std::vector<std::string> files = {std::string(fmt::kVectorsFile), std::string(fmt::kGraphFile)};
  if (q != Quantization::kNone) files.emplace_back(fmt::CodesFile(q));
  return files;
}

class HnswBuildFile : public ::testing::TestWithParam<testing::BuildCase> {};

TEST_P(HnswBuildFile, WritesTheFilesOfAnIndexBuiltInMemory) {
  const auto [q, d] = GetParam();
  // More rows than one 4 MiB batch of 300 dimensions (3,495 rows), so the
  // source is read several times and the quantizer's sample spans batches.
  const DataSet data = Clustered(9000, 300, 16, 1.0f, 7);
  const HnswConfig config = BuildTestConfig(q, d, /*threads=*/1);

  quarry::testing::TempDir dir;
  auto built = HnswIndex::Create(data.dims, config);
  ASSERT_TRUE(built.ok());
  ASSERT_TRUE((*built)->AddBatch(0, data.values).ok());
  ASSERT_TRUE((*built)->Save(TestEnv(), dir.path() + "/saved").ok());

  size_t calls = 0;
  Status s = HnswIndex::BuildFile(TestEnv(), dir.path() + "/built", data.dims, config,
                                  data.rows(), SourceOf(data, &calls));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(calls, 3u);
  for (const std::string& file : IndexFiles(q)) {
    const std::string saved = ReadAll(dir.path() + "/saved/" + file);
    ASSERT_FALSE(saved.empty()) << file;
    EXPECT_TRUE(saved == ReadAll(dir.path() + "/built/" + file)) << file << " differs";
  }
}

TEST_P(HnswBuildFile, ParallelBuildOpensAndFindsItsRows) {
  const auto [q, d] = GetParam();
  // Under a maximum inner product a row's best match need not be itself.
  if (d == DistanceKind::kDot) GTEST_SKIP() << "self-match does not hold for dot products";
  const DataSet data = Clustered(4000, 32, 10, 1.0f, 11);
  quarry::testing::TempDir dir;
  ASSERT_TRUE(HnswIndex::BuildFile(TestEnv(), dir.path(), data.dims, BuildTestConfig(q, d, 2),
                                   data.rows(), SourceOf(data))
                  .ok());
  for (bool map_vectors : {false, true}) {
    auto opened = HnswIndex::Open(TestEnv(), dir.path(), map_vectors);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    ASSERT_EQ((*opened)->live_count(), data.rows());
    size_t found = 0;
    for (size_t r = 0; r < data.rows(); r += 37) {
      auto hits = (*opened)->Search(data.Row(r), {.k = 1, .ef = 64});
      ASSERT_TRUE(hits.ok());
      found += !hits->empty() && (*hits)[0].row == r;
    }
    EXPECT_GE(found, (data.rows() / 37) * 95 / 100) << "map_vectors " << map_vectors;
  }
}

// Under the full-scan threshold every search is an exact scan, so the build
// leaves the nodes unlinked (format version 4): no entry point, the exact
// answers, with the file mapped or read, and no row can be added afterwards.
TEST_P(HnswBuildFile, UnderTheFullScanThresholdNodesAreLeftUnlinked) {
  const auto [q, d] = GetParam();
  const DataSet data = Clustered(3000, 32, 10, 1.0f, 5);
  HnswConfig config = BuildTestConfig(q, d, 2);
  quarry::testing::TempDir dir;
  config.full_scan_threshold = static_cast<uint32_t>(data.rows());  // linked at this many
  ASSERT_TRUE(HnswIndex::BuildFile(TestEnv(), dir.path() + "/linked", data.dims, config,
                                   data.rows(), SourceOf(data))
                  .ok());
  config.full_scan_threshold = static_cast<uint32_t>(data.rows()) + 1;
  ASSERT_TRUE(HnswIndex::BuildFile(TestEnv(), dir.path() + "/unlinked", data.dims, config,
                                   data.rows(), SourceOf(data))
                  .ok());
  const auto entry_of = [&](const std::string& sub) {
    return testing::GetAt<uint32_t>(ReadAll(dir.path() + "/" + sub + "/graph.hnsw"),
                                    fmt::kGraphEntryOffset);
  };
  EXPECT_NE(entry_of("linked"), 0xFFFFFFFFu);
  EXPECT_EQ(entry_of("unlinked"), 0xFFFFFFFFu);
  const std::string graph = ReadAll(dir.path() + "/unlinked/graph.hnsw");
  // Version 4 only where it is needed: an older build still reads the other.
  for (const std::string& file : IndexFiles(q)) {
    EXPECT_EQ(
        testing::GetAt<uint32_t>(ReadAll(dir.path() + "/linked/" + file), fmt::kVersionOffset), 3u)
        << file;
    EXPECT_EQ(
        testing::GetAt<uint32_t>(ReadAll(dir.path() + "/unlinked/" + file), fmt::kVersionOffset),
        4u)
        << file;
  }

  for (bool map_vectors : {false, true}) {
    auto opened = HnswIndex::Open(TestEnv(), dir.path() + "/unlinked", map_vectors);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    ASSERT_EQ((*opened)->live_count(), data.rows());
    // An exact scan in float32 whatever the quantization: brute force's
    // answers, in order.
    for (size_t r = 0; r < data.rows(); r += 97) {
      std::vector<float> query(data.Row(r).begin(), data.Row(r).end());
      for (float& v : query) v += 0.05f;
      auto hits = (*opened)->Search(query, {.k = 10});
      ASSERT_TRUE(hits.ok()) << hits.status().ToString();
      const std::vector<RowId> truth = testing::BruteForce(data, d, query, 10);
      ASSERT_EQ(hits->size(), truth.size());
      for (size_t i = 0; i < truth.size(); ++i) EXPECT_EQ((*hits)[i].row, truth[i]) << r;
    }
    const Status added = (*opened)->Add(static_cast<RowId>(data.rows()), data.Row(0));
    EXPECT_EQ(added.code(), StatusCode::kFailedPrecondition) << added.ToString();
    EXPECT_EQ((*opened)->live_count(), data.rows());
  }

  // A link in an unlinked graph (checksums resealed) is refused at open.
  std::string tampered = graph;
  const fmt::GraphLayout layout = fmt::GraphLayoutFor(
      data.rows(), config.m, testing::GetAt<uint64_t>(graph, fmt::kGraphUpperWordsOffset));
  testing::PutAt<uint32_t>(tampered, layout.level0_offset, 1);      // node 0: one link
  testing::PutAt<uint32_t>(tampered, layout.level0_offset + 4, 1);  // to node 1
  testing::Reseal(tampered);
  testing::WriteAll(dir.path() + "/unlinked/graph.hnsw", tampered);
  auto refused = HnswIndex::Open(TestEnv(), dir.path() + "/unlinked", true);
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption);
  EXPECT_NE(refused.status().message().find("node 0 has links in an unlinked graph"),
            std::string::npos)
      << refused.status().ToString();
  // So is a node above level 0 in a graph with no entry point.
  tampered = graph;
  tampered[layout.meta_offset + 5] = 1;
  testing::Reseal(tampered);
  testing::WriteAll(dir.path() + "/unlinked/graph.hnsw", tampered);
  refused = HnswIndex::Open(TestEnv(), dir.path() + "/unlinked", true);
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption) << refused.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(QuantizationsAndDistances, HnswBuildFile,
                         ::testing::ValuesIn(testing::kBuildCases));

TEST(HnswBuildFileTest, NoRowsGiveAnEmptyIndex) {
  quarry::testing::TempDir dir;
  const RowSource never = [](size_t, std::span<float>) {
    ADD_FAILURE() << "read with no rows";
    return Status::Ok();
  };
  ASSERT_TRUE(HnswIndex::BuildFile(TestEnv(), dir.path(), 8,
                                   BuildTestConfig(Quantization::kInt8, DistanceKind::kCosine, 2),
                                   0, never)
                  .ok());
  auto opened = HnswIndex::Open(TestEnv(), dir.path(), true);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ((*opened)->live_count(), 0u);
}

TEST(HnswBuildFileTest, ASourceErrorStopsTheBuildAndLeavesNoVectorsFile) {
  quarry::testing::TempDir dir;
  const DataSet data = Clustered(5000, 300, 4, 1.0f, 3);
  size_t calls = 0;
  const RowSource failing = [&](size_t first, std::span<float> out) {
    if (++calls == 2) return Status::IOError("disk gone");
    return SourceOf(data)(first, out);
  };
  Status s = HnswIndex::BuildFile(TestEnv(), dir.path(), data.dims,
                                  BuildTestConfig(Quantization::kNone, DistanceKind::kL2, 1),
                                  data.rows(), failing);
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("disk gone"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/" + std::string(fmt::kVectorsFile)));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/" + std::string(fmt::kGraphFile)));
}

TEST(HnswBuildFileTest, ACancelledBuildStopsAndWritesNoGraph) {
  const DataSet data = Clustered(6000, 300, 4, 1.0f, 13);
  const HnswConfig config = BuildTestConfig(Quantization::kInt8, DistanceKind::kCosine, 2);
  // Cancelled while the rows are being written.
  {
    quarry::testing::TempDir dir;
    std::atomic<bool> cancel{false};
    size_t calls = 0;
    const RowSource source = [&](size_t first, std::span<float> out) {
      if (++calls == 1) cancel = true;
      return SourceOf(data)(first, out);
    };
    Status s = HnswIndex::BuildFile(TestEnv(), dir.path(), data.dims, config, data.rows(), source,
                                    {.cancel = &cancel});
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
    EXPECT_EQ(calls, 1u);
    EXPECT_FALSE(std::filesystem::exists(dir.path() + "/" + std::string(fmt::kGraphFile)));
  }
  // Cancelled during the graph build: a thread sets the flag once the rows
  // are written (the source's last call), the build stops within a row.
  {
    quarry::testing::TempDir dir;
    std::atomic<bool> cancel{false};
    std::thread canceller;
    const RowSource source = [&](size_t first, std::span<float> out) {
      if (first + out.size() / data.dims == data.rows()) {
        canceller = std::thread([&] { cancel = true; });
      }
      return SourceOf(data)(first, out);
    };
    Status s = HnswIndex::BuildFile(TestEnv(), dir.path(), data.dims, config, data.rows(), source,
                                    {.cancel = &cancel});
    canceller.join();
    // The flag may come after the last insert on a fast machine; then the
    // build is whole and valid.
    if (s.ok()) {
      EXPECT_TRUE(HnswIndex::Open(TestEnv(), dir.path(), true).ok());
    } else {
      EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
      EXPECT_FALSE(std::filesystem::exists(dir.path() + "/" + std::string(fmt::kGraphFile)));
    }
  }
}

TEST(HnswBuildFileTest, RefusesNonFiniteRowsAndBadParameters) {
  quarry::testing::TempDir dir;
  DataSet data = Clustered(100, 8, 2, 1.0f, 5);
  data.values[57 * 8 + 3] = std::numeric_limits<float>::quiet_NaN();
  Status s = HnswIndex::BuildFile(TestEnv(), dir.path(), data.dims,
                                  BuildTestConfig(Quantization::kNone, DistanceKind::kCosine, 1),
                                  data.rows(), SourceOf(data));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("vector 57"), std::string::npos) << s.message();

  HnswConfig bad = BuildTestConfig(Quantization::kNone, DistanceKind::kCosine, 1);
  bad.m = 0;
  EXPECT_EQ(HnswIndex::BuildFile(TestEnv(), dir.path(), 8, bad, 1, SourceOf(data)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(HnswIndex::BuildFile(TestEnv(), dir.path(), 0,
                                 BuildTestConfig(Quantization::kNone, DistanceKind::kCosine, 1), 1,
                                 SourceOf(data))
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(HnswBuildFileTest, StoredVectorsOfRemovedRowsStayReadable) {
  const DataSet data = Clustered(50, 8, 2, 1.0f, 9);
  auto index = HnswIndex::Create(8, BuildTestConfig(Quantization::kNone, DistanceKind::kL2, 1));
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE((*index)->AddBatch(0, data.values).ok());
  ASSERT_TRUE((*index)->Remove(7).ok());
  std::vector<float> out(8);
  EXPECT_EQ((*index)->GetVector(7, out).code(), StatusCode::kNotFound);
  ASSERT_TRUE((*index)->GetStoredVector(7, out).ok());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), data.values.begin() + 7 * 8));
  EXPECT_EQ((*index)->GetStoredVector(50, out).code(), StatusCode::kNotFound);
  std::vector<float> short_out(7);
  EXPECT_EQ((*index)->GetStoredVector(3, short_out).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace quarry::vector
