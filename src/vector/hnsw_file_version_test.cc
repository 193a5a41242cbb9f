// Format versions: files of the previous versions are read (version 2 as
// it is, its vectors verified at open; version 1 with its codes re-derived
// by this version's quantizers); unknown, newer and mixed versions are
// refused with a precise error.
//
// testdata/hnsw_v1_{int8,binary} and testdata/hnsw_v2_{int8,binary} were
// written by the code of format versions 1 and 2 (testdata/README.md says
// how); the data is V1FixtureData below.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
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
using testing::DataSet;
using testing::GetAt;
using testing::PutAt;
using testing::ReadAll;
using testing::Reseal;
using testing::TestEnv;
using testing::WriteAll;

constexpr uint32_t kDims = 4;
constexpr uint32_t kRows = 1000;

// The fixtures' rows (every value in [1.5, 4.5]: uncentred).
DataSet V1FixtureData() {
  DataSet d{kDims, std::vector<float>(size_t{kRows} * kDims)};
  for (uint32_t r = 0; r < kRows; ++r) {
    for (uint32_t i = 0; i < kDims; ++i) {
      d.values[r * kDims + i] =
          3.0f + std::sin(0.37f * static_cast<float>(r) + 1.3f * static_cast<float>(i)) +
          0.5f * std::cos(0.011f * static_cast<float>(r) * static_cast<float>(i + 1));
    }
  }
  return d;
}

// The fixtures' configuration.
HnswConfig V1FixtureConfig(Quantization q) {
  HnswConfig c;
  c.distance = DistanceKind::kL2;
  c.m = 2;
  c.ef_construct = 16;
  c.full_scan_threshold = 0;
  c.quantization = q;
  c.build_threads = 1;
  return c;
}

// A copy of a fixture directory in `dir` (tests may damage or extend it).
std::string CopyFixture(const quarry::testing::TempDir& dir, const std::string& name) {
  const std::string to = dir.Sub(name);
  std::filesystem::copy(std::string(QUARRY_VECTOR_TESTDATA_DIR) + "/" + name, to);
  return to;
}

std::string CodesFileOf(Quantization q) { return std::string(fmt::CodesFile(q)); }

class HnswVersion1Test : public ::testing::TestWithParam<Quantization> {
 protected:
  std::string fixture() const {
    return GetParam() == Quantization::kInt8 ? "hnsw_v1_int8" : "hnsw_v1_binary";
  }
  quarry::testing::TempDir dir_;
};

TEST_P(HnswVersion1Test, FilesAreVersion1) {
  const std::string v1 = CopyFixture(dir_, fixture());
  for (const std::string& f :
       {std::string("vectors.f32"), CodesFileOf(GetParam()), std::string("graph.hnsw")}) {
    EXPECT_EQ(GetAt<uint32_t>(ReadAll(v1 + "/" + f), fmt::kVersionOffset), 1u) << f;
  }
}

TEST_P(HnswVersion1Test, IsReadAndItsCodesAreReDerived) {
  const DataSet data = V1FixtureData();
  const std::string v1 = CopyFixture(dir_, fixture());
  for (bool map_vectors : {true, false}) {
    auto opened = HnswIndex::Open(TestEnv(), v1, map_vectors);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    HnswIndex& index = **opened;
    EXPECT_EQ(index.config().quantization, GetParam());
    EXPECT_EQ(index.config().m, 2u);
    std::vector<float> row(kDims);
    ASSERT_TRUE(index.GetVector(5, row).ok());
    EXPECT_EQ(row, std::vector<float>(data.Row(5).begin(), data.Row(5).end()));
    if (GetParam() == Quantization::kInt8) {  // the fixture removed row 17
      EXPECT_EQ(index.live_count(), kRows - 1);
      EXPECT_EQ(index.Remove(17).code(), StatusCode::kNotFound);
    }
    // Recall against brute force with rescoring (4 sign bits rank little:
    // binary rescores nearly everything, which checks graph and vectors).
    const float oversampling = GetParam() == Quantization::kBinary ? 64 : 0;
    double recall = 0;
    for (uint32_t q = 0; q < 50; ++q) {
      std::vector<float> query(data.Row(q * 19).begin(), data.Row(q * 19).end());
      for (float& v : query) v += 0.01f;
      auto hits = index.Search(query, {.k = 10, .ef = 64, .oversampling = oversampling});
      ASSERT_TRUE(hits.ok()) << hits.status().ToString();
      recall += testing::Recall(*hits, testing::BruteForce(data, DistanceKind::kL2, query, 10,
                                                           [](RowId r) { return r != 17; }));
    }
    EXPECT_GE(recall / 50, 0.9);

    // Saving writes version 2, whose codes are exactly those a fresh
    // version-2 index derives from the same vectors.
    const std::string upgraded = dir_.Sub(map_vectors ? "up_mapped" : "up_read");
    ASSERT_TRUE(index.Save(TestEnv(), upgraded).ok());
    auto fresh = HnswIndex::Create(kDims, V1FixtureConfig(GetParam()));
    ASSERT_TRUE(fresh.ok());
    ASSERT_TRUE((*fresh)->AddBatch(0, data.values).ok());
    if (GetParam() == Quantization::kInt8) {
      ASSERT_TRUE((*fresh)->Remove(17).ok());
    }
    ASSERT_TRUE((*fresh)->Save(TestEnv(), dir_.Sub("fresh")).ok());
    const std::string a = ReadAll(upgraded + "/" + CodesFileOf(GetParam()));
    const std::string b = ReadAll(dir_.Sub("fresh") + "/" + CodesFileOf(GetParam()));
    EXPECT_EQ(GetAt<uint32_t>(a, fmt::kVersionOffset), fmt::VersionToWrite(false));
    EXPECT_EQ(a.substr(fmt::kHeaderSize), b.substr(fmt::kHeaderSize));
    auto reopened = HnswIndex::Open(TestEnv(), upgraded, true);
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    for (uint32_t q = 0; q < 20; ++q) {
      auto x = index.Search(data.Row(q * 31), {.k = 5, .ef = 32});
      auto y = (*reopened)->Search(data.Row(q * 31), {.k = 5, .ef = 32});
      ASSERT_TRUE(x.ok() && y.ok());
      ASSERT_EQ(x->size(), y->size());
      for (size_t i = 0; i < x->size(); ++i) {
        EXPECT_EQ((*x)[i].row, (*y)[i].row);
        EXPECT_EQ((*x)[i].score, (*y)[i].score);
      }
    }
  }
}

TEST_P(HnswVersion1Test, DamagedVersion1FilesAreRefused) {
  const std::string v1 = CopyFixture(dir_, fixture());
  const std::string codes_path = v1 + "/" + CodesFileOf(GetParam());
  const std::string codes = ReadAll(codes_path);
  const std::string graph = ReadAll(v1 + "/graph.hnsw");

  std::string flipped = codes;
  flipped[fmt::kHeaderSize + 40] = static_cast<char>(flipped[fmt::kHeaderSize + 40] ^ 1);
  WriteAll(codes_path, flipped);
  auto opened = HnswIndex::Open(TestEnv(), v1, true);
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
  EXPECT_NE(opened.status().message().find("body checksum mismatch"), std::string::npos)
      << opened.status().ToString();

  // A version-2 stride in a version-1 file, with every checksum consistent.
  std::string restrided = codes;
  PutAt<uint32_t>(restrided, fmt::kCodeStrideOffset,
                  GetAt<uint32_t>(codes, fmt::kCodeStrideOffset) + 4);
  std::string regraphed = graph;
  PutAt<uint32_t>(regraphed, fmt::kGraphCodesCrcOffset, Reseal(restrided));
  Reseal(regraphed);
  WriteAll(codes_path, restrided);
  WriteAll(v1 + "/graph.hnsw", regraphed);
  opened = HnswIndex::Open(TestEnv(), v1, true);
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
  EXPECT_NE(opened.status().message().find("in format version 1"), std::string::npos)
      << opened.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Quantizations, HnswVersion1Test,
                         ::testing::Values(Quantization::kInt8, Quantization::kBinary),
                         [](const auto& p) { return std::string(QuantizationName(p.param)); });

TEST(HnswVersionTest, UnknownNewerAndMixedVersionsAreRefused) {
  quarry::testing::TempDir dir;
  const DataSet data = V1FixtureData();
  auto index = HnswIndex::Create(kDims, V1FixtureConfig(Quantization::kInt8));
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE((*index)->AddBatch(0, data.values).ok());
  ASSERT_TRUE((*index)->Save(TestEnv(), dir.path()).ok());
  const std::string graph = ReadAll(dir.Sub("graph.hnsw"));
  const std::string vectors = ReadAll(dir.Sub("vectors.f32"));
  EXPECT_EQ(GetAt<uint32_t>(graph, fmt::kVersionOffset), 3u);  // linked: still version 3

  auto open_with = [&](const std::string& file, std::string bytes) {
    WriteAll(dir.Sub(file), bytes);
    auto opened = HnswIndex::Open(TestEnv(), dir.path(), true);
    WriteAll(dir.Sub(file), file == "graph.hnsw" ? graph : vectors);
    return opened.ok() ? Status::Ok() : opened.status();
  };
  auto with_version = [](std::string bytes, uint32_t version) {
    PutAt<uint32_t>(bytes, fmt::kVersionOffset, version);
    Reseal(bytes);
    return bytes;
  };

  Status s = open_with("graph.hnsw", with_version(graph, 0));
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("unknown format version 0 (this build reads versions 1 to 4)"),
            std::string::npos)
      << s.ToString();

  s = open_with("graph.hnsw", with_version(graph, 5));
  EXPECT_EQ(s.code(), StatusCode::kNotSupported);
  EXPECT_NE(s.message().find("format version 5 is newer than this build reads (4)"),
            std::string::npos)
      << s.ToString();

  // A version-1 vectors file beside a version-3 graph: files of two saves.
  s = open_with("vectors.f32", with_version(vectors, 1));
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("vectors.f32: format version 1, but graph.hnsw has version 3"),
            std::string::npos)
      << s.ToString();

  EXPECT_TRUE(HnswIndex::Open(TestEnv(), dir.path(), true).ok());
}

// Version 4 is version 3 plus the unlinked graph, and is written only for
// one: a linked index is still written as version 3 (so an older build reads
// it), and an unlinked graph labelled version 3 is refused, as a version-3
// reader refuses it.
TEST(HnswVersionTest, Version3IsReadAndCannotBeUnlinked) {
  quarry::testing::TempDir dir;
  const DataSet data = V1FixtureData();
  HnswConfig config = V1FixtureConfig(Quantization::kInt8);
  const auto source = [&](size_t first, std::span<float> out) {
    std::copy_n(data.values.begin() + static_cast<ptrdiff_t>(first * kDims), out.size(),
                out.begin());
    return Status::Ok();
  };
  const auto as_version_3 = [&](const std::string& sub) {
    for (const std::string& f : {std::string("vectors.f32"), CodesFileOf(Quantization::kInt8),
                                 std::string("graph.hnsw")}) {
      std::string bytes = ReadAll(dir.Sub(sub) + "/" + f);
      PutAt<uint32_t>(bytes, fmt::kVersionOffset, 3);
      Reseal(bytes);
      WriteAll(dir.Sub(sub) + "/" + f, bytes);
    }
    return HnswIndex::Open(TestEnv(), dir.Sub(sub), true);
  };
  config.full_scan_threshold = 0;
  ASSERT_TRUE(
      HnswIndex::BuildFile(TestEnv(), dir.Sub("linked"), kDims, config, kRows, source).ok());
  auto linked = as_version_3("linked");
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_EQ((*linked)->live_count(), kRows);

  config.full_scan_threshold = kRows + 1;
  ASSERT_TRUE(
      HnswIndex::BuildFile(TestEnv(), dir.Sub("unlinked"), kDims, config, kRows, source).ok());
  ASSERT_TRUE(HnswIndex::Open(TestEnv(), dir.Sub("unlinked"), true).ok());
  auto unlinked = as_version_3("unlinked");
  EXPECT_EQ(unlinked.status().code(), StatusCode::kCorruption);
  EXPECT_NE(unlinked.status().message().find("does not match the nodes"), std::string::npos)
      << unlinked.status().ToString();
}

// Version 2 wrote vectors.f32 as one body under one CRC: it is read as it
// is, every row verified at open (mapped or not), and saving writes the
// current version.
class HnswVersion2Test : public ::testing::TestWithParam<Quantization> {
 protected:
  std::string fixture() const {
    return GetParam() == Quantization::kInt8 ? "hnsw_v2_int8" : "hnsw_v2_binary";
  }
  quarry::testing::TempDir dir_;
};

TEST_P(HnswVersion2Test, IsReadAsItIsAndSavedAsTheCurrentVersion) {
  const DataSet data = V1FixtureData();
  const std::string v2 = CopyFixture(dir_, fixture());
  for (const std::string& f :
       {std::string("vectors.f32"), CodesFileOf(GetParam()), std::string("graph.hnsw")}) {
    EXPECT_EQ(GetAt<uint32_t>(ReadAll(v2 + "/" + f), fmt::kVersionOffset), 2u) << f;
  }
  for (bool map_vectors : {true, false}) {
    auto opened = HnswIndex::Open(TestEnv(), v2, map_vectors);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    HnswIndex& index = **opened;
    std::vector<float> row(kDims);
    for (RowId r : {0u, 5u, 999u}) {
      ASSERT_TRUE(index.GetVector(r, row).ok());
      EXPECT_EQ(row, std::vector<float>(data.Row(r).begin(), data.Row(r).end()));
    }
    const float oversampling = GetParam() == Quantization::kBinary ? 64 : 0;
    double recall = 0;
    for (uint32_t q = 0; q < 50; ++q) {
      std::vector<float> query(data.Row(q * 19).begin(), data.Row(q * 19).end());
      for (float& v : query) v += 0.01f;
      auto hits = index.Search(query, {.k = 10, .ef = 64, .oversampling = oversampling});
      ASSERT_TRUE(hits.ok()) << hits.status().ToString();
      recall += testing::Recall(*hits, testing::BruteForce(data, DistanceKind::kL2, query, 10,
                                                           [](RowId r) { return r != 17; }));
    }
    EXPECT_GE(recall / 50, 0.9);

    // The codes of version 2 are those of versions 3 and 4: saving rewrites only
    // the layout of vectors.f32.
    const std::string upgraded = dir_.Sub(map_vectors ? "up_mapped" : "up_read");
    ASSERT_TRUE(index.Save(TestEnv(), upgraded).ok());
    const std::string codes = CodesFileOf(GetParam());
    EXPECT_EQ(ReadAll(upgraded + "/" + codes).substr(fmt::kHeaderSize),
              ReadAll(v2 + "/" + codes).substr(fmt::kHeaderSize));
    const std::string vectors = ReadAll(upgraded + "/vectors.f32");
    EXPECT_EQ(GetAt<uint32_t>(vectors, fmt::kVersionOffset), fmt::VersionToWrite(false));
    EXPECT_EQ(vectors.substr(fmt::kVectorsRowsAt, size_t{kRows} * kDims * 4),
              ReadAll(v2 + "/vectors.f32").substr(fmt::kHeaderSize));
    auto reopened = HnswIndex::Open(TestEnv(), upgraded, true);
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    for (uint32_t q = 0; q < 20; ++q) {
      auto x = index.Search(data.Row(q * 31), {.k = 5, .ef = 32});
      auto y = (*reopened)->Search(data.Row(q * 31), {.k = 5, .ef = 32});
      ASSERT_TRUE(x.ok() && y.ok());
      ASSERT_EQ(x->size(), y->size());
      for (size_t i = 0; i < x->size(); ++i) {
        EXPECT_EQ((*x)[i].row, (*y)[i].row);
        EXPECT_EQ((*x)[i].score, (*y)[i].score);
      }
    }
  }
}

TEST_P(HnswVersion2Test, AFlippedVectorBitIsRefusedAtOpen) {
  const std::string v2 = CopyFixture(dir_, fixture());
  std::string vectors = ReadAll(v2 + "/vectors.f32");
  vectors[fmt::kHeaderSize + 700] = static_cast<char>(vectors[fmt::kHeaderSize + 700] ^ 0x20);
  WriteAll(v2 + "/vectors.f32", vectors);
  for (bool map_vectors : {true, false}) {
    auto opened = HnswIndex::Open(TestEnv(), v2, map_vectors);
    EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
    EXPECT_NE(opened.status().message().find("vectors.f32: body checksum mismatch"),
              std::string::npos)
        << opened.status().ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(Quantizations, HnswVersion2Test,
                         ::testing::Values(Quantization::kInt8, Quantization::kBinary),
                         [](const auto& p) { return std::string(QuantizationName(p.param)); });

// The version-3 layout of vectors.f32, with consistent checksums, is still
// checked: block size, file size, zero paddings.
TEST(HnswVersionTest, InconsistentVersion3VectorsAreRefused) {
  quarry::testing::TempDir dir;
  const DataSet data = V1FixtureData();
  auto index = HnswIndex::Create(kDims, V1FixtureConfig(Quantization::kInt8));
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE((*index)->AddBatch(0, data.values).ok());
  ASSERT_TRUE((*index)->Save(TestEnv(), dir.path()).ok());
  const std::string graph = ReadAll(dir.Sub("graph.hnsw"));
  const std::string vectors = ReadAll(dir.Sub("vectors.f32"));
  const fmt::VectorsLayout layout =
      fmt::VectorsLayoutFor(kRows, kDims * sizeof(float), fmt::kVectorBlockBytes);
  ASSERT_EQ(vectors.size(), layout.file_size);
  ASSERT_EQ(layout.blocks, 4u);  // 16,000 bytes of rows

  // Writes `bytes` as vectors.f32 with both CRCs resealed and the graph
  // pointing at its body CRC, so only the layout checks can refuse it.
  auto open_with = [&](std::string bytes) {
    std::string g = graph;
    PutAt<uint32_t>(g, fmt::kGraphVectorsCrcOffset, Reseal(bytes));
    Reseal(g);
    WriteAll(dir.Sub("vectors.f32"), bytes);
    WriteAll(dir.Sub("graph.hnsw"), g);
    auto opened = HnswIndex::Open(TestEnv(), dir.path(), true);
    WriteAll(dir.Sub("vectors.f32"), vectors);
    WriteAll(dir.Sub("graph.hnsw"), graph);
    return opened.ok() ? Status::Ok() : opened.status();
  };
  auto expect_refused = [&](std::string bytes, const std::string& what) {
    Status s = open_with(std::move(bytes));
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
    EXPECT_NE(s.message().find("vectors.f32: " + what), std::string::npos) << s.ToString();
  };
  EXPECT_TRUE(open_with(vectors).ok());

  for (uint32_t block : {1000u, 2048u, 32u << 20}) {
    std::string b = vectors;
    PutAt<uint32_t>(b, fmt::kVecBlockBytesOffset, block);
    expect_refused(b, "block size " + std::to_string(block) + " is not a power of two");
  }
  // A block size the layout allows but the file size does not match.
  std::string b = vectors;
  PutAt<uint32_t>(b, fmt::kVecBlockBytesOffset, 8192);
  expect_refused(b, "file is " + std::to_string(layout.file_size) +
                        " bytes, 1000 rows of 4 dimensions in blocks of 8192 need " +
                        std::to_string(fmt::VectorsLayoutFor(kRows, kDims * 4, 8192).file_size));
  // Nonzero paddings (before the rows, between rows and table).
  b = vectors;
  b[fmt::kHeaderSize + 10] = 1;
  expect_refused(b, "padding byte at offset " + std::to_string(fmt::kHeaderSize + 10));
  if (layout.table_offset > layout.rows_offset + layout.rows_bytes) {
    b = vectors;
    b[layout.table_offset - 1] = 1;
    expect_refused(b, "padding byte at offset " + std::to_string(layout.table_offset - 1));
  }
  // A damaged table entry is caught by the body CRC without resealing.
  b = vectors;
  b[layout.table_offset + 1] = static_cast<char>(b[layout.table_offset + 1] ^ 1);
  WriteAll(dir.Sub("vectors.f32"), b);
  auto opened = HnswIndex::Open(TestEnv(), dir.path(), true);
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
  EXPECT_NE(opened.status().message().find("body checksum mismatch"), std::string::npos)
      << opened.status().ToString();
  WriteAll(dir.Sub("vectors.f32"), vectors);
}

}  // namespace
}  // namespace quarry::vector
