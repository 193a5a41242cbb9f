// Save/Open: round trips give identical results, and every damaged or
// inconsistent file is refused with a precise error (run under ASan in CI:
// refusing must never read out of bounds).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "base/testing/temp_dir.h"
#include "vector/hnsw_file_test_util.h"
#include "vector/hnsw_format.h"
#include "vector/hnsw_index.h"
#include "vector/hnsw_test_util.h"
#include "vector/row_filter.h"

namespace quarry::vector {
namespace {

namespace fmt = hnsw_format;
using testing::Clustered;
using testing::DataSet;
using testing::GetAt;
using testing::PutAt;
using testing::ReadAll;
using testing::Reseal;
using testing::TestEnv;
using testing::WriteAll;

std::unique_ptr<HnswIndex> Build(Quantization q, const DataSet& data, uint32_t m = 8) {
  HnswConfig c;
  c.m = m;
  c.ef_construct = 64;
  c.full_scan_threshold = 0;
  c.quantization = q;
  c.build_threads = 2;
  auto index = HnswIndex::Create(data.dims, c);
  EXPECT_TRUE(index.ok());
  EXPECT_TRUE((*index)->AddBatch(0, data.values).ok());
  return std::move(index).value();
}

void ExpectSameResults(const HnswIndex& a, const HnswIndex& b, const DataSet& queries) {
  ASSERT_EQ(a.live_count(), b.live_count());
  EXPECT_EQ(a.ResidentBytes(), b.ResidentBytes());
  EXPECT_EQ(a.VectorBytes(), b.VectorBytes());
  for (size_t q = 0; q < queries.rows(); ++q) {
    for (uint32_t k : {1u, 10u}) {
      auto ra = a.Search(queries.Row(q), {.k = k, .ef = 32});
      auto rb = b.Search(queries.Row(q), {.k = k, .ef = 32});
      ASSERT_TRUE(ra.ok() && rb.ok());
      ASSERT_EQ(ra->size(), rb->size());
      for (size_t i = 0; i < ra->size(); ++i) {
        EXPECT_EQ((*ra)[i].row, (*rb)[i].row);
        EXPECT_EQ((*ra)[i].score, (*rb)[i].score);
      }
    }
  }
}

class HnswFileRoundTrip : public ::testing::TestWithParam<Quantization> {};

TEST_P(HnswFileRoundTrip, OpenedIndexAnswersLikeTheBuiltOne) {
  const DataSet all = Clustered(3040, 24, 12, 1.0f, 41);
  const DataSet base{24, {all.values.begin(), all.values.begin() + 3000 * 24}};
  const DataSet queries{24, {all.values.begin() + 3000 * 24, all.values.end()}};
  auto built = Build(GetParam(), base);
  for (RowId r = 0; r < 3000; r += 11) ASSERT_TRUE(built->Remove(r).ok());
  quarry::testing::TempDir dir;
  ASSERT_TRUE(built->Save(TestEnv(), dir.path()).ok());
  for (int mapped = 0; mapped < 8; ++mapped) {  // every mix of mapped and copied parts
    const HnswOpenOptions options{.map_vectors = (mapped & 1) != 0,
                                  .map_graph = (mapped & 2) != 0,
                                  .map_codes = (mapped & 4) != 0};
    auto opened = HnswIndex::Open(TestEnv(), dir.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    // A part copied into RAM leaves no mapping of its file behind.
    const std::string maps = ReadAll("/proc/self/maps");
    EXPECT_EQ(maps.find(dir.Sub("graph.hnsw")) != std::string::npos, options.map_graph) << mapped;
    if (GetParam() != Quantization::kNone) {
      const std::string codes = dir.Sub(std::string(fmt::CodesFile(GetParam())));
      EXPECT_EQ(maps.find(codes) != std::string::npos, options.map_codes) << mapped;
    }
    ExpectSameResults(*built, **opened, queries);
    EXPECT_EQ((*opened)->Remove(0).code(), StatusCode::kNotFound);  // tombstones survive
    std::vector<float> a(24), b(24);
    ASSERT_TRUE(built->GetVector(5, a).ok());
    ASSERT_TRUE((*opened)->GetVector(5, b).ok());
    EXPECT_EQ(a, b);
    EXPECT_EQ((*opened)->config().quantization, GetParam());
  }
}

TEST_P(HnswFileRoundTrip, OpenedIndexKeepsGrowingAndSavesAgain) {
  const DataSet all = Clustered(4040, 16, 12, 1.0f, 42);
  const DataSet first{16, {all.values.begin(), all.values.begin() + 2500 * 16}};
  const DataSet queries{16, {all.values.begin() + 4000 * 16, all.values.end()}};
  quarry::testing::TempDir dir;
  ASSERT_TRUE(Build(GetParam(), first)->Save(TestEnv(), dir.Sub("a")).ok());
  for (bool map_vectors : {false, true}) {
    auto opened = HnswIndex::Open(TestEnv(), dir.Sub("a"), map_vectors);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    HnswIndex& index = **opened;
    // Appending copies the mapped level 0 and the last partial chunks of the
    // vectors and codes; the rest stays mapped.
    ASSERT_TRUE(index.AddBatch(2500, {all.values.data() + 2500 * 16, 1000 * 16}).ok());
    for (RowId r = 3500; r < 4000; ++r) ASSERT_TRUE(index.Add(r, all.Row(r)).ok());
    ASSERT_TRUE(index.Remove(7).ok());
    ASSERT_TRUE(index.Remove(3600).ok());
    EXPECT_EQ(index.live_count(), 3998u);
    for (RowId r : {10u, 2600u, 3999u}) {
      auto self = index.Search(all.Row(r), {.k = 1});
      ASSERT_TRUE(self.ok());
      EXPECT_EQ((*self)[0].row, r);
    }
    const std::string again = dir.Sub(map_vectors ? "mapped" : "read");
    ASSERT_TRUE(index.Save(TestEnv(), again).ok());
    auto reopened = HnswIndex::Open(TestEnv(), again, !map_vectors);
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    ExpectSameResults(index, **reopened, queries);
  }
}

INSTANTIATE_TEST_SUITE_P(Quantizations, HnswFileRoundTrip,
                         ::testing::Values(Quantization::kNone, Quantization::kInt8,
                                           Quantization::kBinary),
                         [](const auto& p) { return std::string(QuantizationName(p.param)); });

TEST(HnswFileTest, EmptyAndUntrainedIndexesRoundTrip) {
  quarry::testing::TempDir dir;
  HnswConfig c;
  c.quantization = Quantization::kInt8;
  c.full_scan_threshold = 0;
  auto empty = HnswIndex::Create(8, c);
  ASSERT_TRUE((*empty)->Save(TestEnv(), dir.Sub("empty")).ok());
  auto opened = HnswIndex::Open(TestEnv(), dir.Sub("empty"), true);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ((*opened)->live_count(), 0u);
  EXPECT_TRUE((*opened)->Search(std::vector<float>(8, 1.0f), {})->empty());

  // Fewer rows than the quantizer needs: no codes yet, walked with float32.
  const DataSet data = Clustered(200, 8, 4, 1.0f, 43);
  ASSERT_TRUE((*opened)->AddBatch(0, data.values).ok());
  ASSERT_TRUE((*opened)->Save(TestEnv(), dir.Sub("small")).ok());
  auto small = HnswIndex::Open(TestEnv(), dir.Sub("small"), false);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  ExpectSameResults(**opened, **small, data);
  // And it trains once enough rows arrive.
  const DataSet more = Clustered(1500, 8, 4, 1.0f, 44);
  ASSERT_TRUE((*small)->AddBatch(200, more.values).ok());
  auto self = (*small)->Search(more.Row(3), {.k = 1});
  ASSERT_TRUE(self.ok());
  EXPECT_EQ((*self)[0].row, 203u);
}

// A small saved index whose files the corruption tests damage.
class HnswFileCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = Clustered(1200, 8, 6, 1.0f, 45);  // enough rows to train int8
    index_ = Build(Quantization::kInt8, data_, 4);
    ASSERT_TRUE(index_->Save(TestEnv(), dir_.path()).ok());
    for (const char* f : {"vectors.f32", "codes.i8", "graph.hnsw"}) {
      originals_[f] = ReadAll(dir_.Sub(f));
    }
  }

  // Opens the directory with `bytes` as `file` (the others pristine).
  Status OpenWith(const std::string& file, const std::string& bytes) {
    WriteAll(dir_.Sub(file), bytes);
    auto opened = HnswIndex::Open(TestEnv(), dir_.path(), true);
    WriteAll(dir_.Sub(file), originals_[file]);
    return opened.ok() ? Status::Ok() : opened.status();
  }

  // Expects Open to fail with `code` and a message naming the file and
  // containing `what`.
  void ExpectRefused(const std::string& file, const std::string& bytes, StatusCode code,
                     const std::string& what) {
    Status s = OpenWith(file, bytes);
    EXPECT_EQ(s.code(), code) << file << ": " << s.ToString();
    EXPECT_NE(s.message().find(file), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find(what), std::string::npos) << s.ToString();
  }

  quarry::testing::TempDir dir_;
  DataSet data_;
  std::unique_ptr<HnswIndex> index_;
  std::map<std::string, std::string> originals_;
};

TEST_F(HnswFileCorruptionTest, PristineFilesOpen) {
  EXPECT_TRUE(OpenWith("graph.hnsw", originals_["graph.hnsw"]).ok());
}

TEST_F(HnswFileCorruptionTest, EveryTruncationClassIsRefused) {
  for (const auto& [file, bytes] : originals_) {
    const size_t n = bytes.size();
    for (size_t len : {size_t{0}, size_t{1}, size_t{8}, fmt::kHeaderSize - 1, fmt::kHeaderSize,
                       fmt::kHeaderSize + 1, fmt::kHeaderSize + 64, n / 2, n - 4, n - 1}) {
      const char* what = len < fmt::kHeaderSize ? "shorter than the 128-byte header" : "truncated";
      ExpectRefused(file, bytes.substr(0, len), StatusCode::kCorruption, what);
    }
    ExpectRefused(file, bytes + "x", StatusCode::kCorruption, "trailing bytes");
  }
}

TEST_F(HnswFileCorruptionTest, BitFlipsAreRefused) {
  const fmt::VectorsLayout vectors =
      fmt::VectorsLayoutFor(data_.rows(), data_.dims * sizeof(float), fmt::kVectorBlockBytes);
  for (const auto& [file, bytes] : originals_) {
    // A bit of every header byte (a different bit each time), and bits
    // spread over the body.
    std::vector<size_t> bits;
    for (size_t b = 0; b < fmt::kHeaderSize; ++b) bits.push_back(b * 8 + b % 8);
    for (size_t b = fmt::kHeaderSize * 8; b < bytes.size() * 8; b += 1999) bits.push_back(b);
    for (size_t bit : bits) {
      std::string damaged = bytes;
      damaged[bit / 8] = static_cast<char>(damaged[bit / 8] ^ (1 << (bit % 8)));
      const size_t byte = bit / 8;
      if (file == "vectors.f32" && byte >= vectors.rows_offset &&
          byte < vectors.rows_offset + vectors.rows_bytes) {
        continue;  // rows: checked on first read (AFlippedVectorBit... below)
      }
      Status s = OpenWith(file, damaged);
      EXPECT_EQ(s.code(), StatusCode::kCorruption)
          << file << " bit " << bit << ": " << s.ToString();
    }
  }
}

// Every row of a mapped vectors.f32 is checked the first time it is read:
// a flipped bit anywhere in the rows lets the index open, and then fails
// every read of that row's block, never serving the damaged values.
TEST_F(HnswFileCorruptionTest, AFlippedVectorBitIsFoundOnFirstReadNotAtOpen) {
  const std::string& pristine = originals_["vectors.f32"];
  const size_t stride = data_.dims * sizeof(float);
  const size_t rows_per_block = fmt::kVectorBlockBytes / stride;
  ASSERT_EQ(GetAt<uint32_t>(pristine, fmt::kVecBlockBytesOffset), fmt::kVectorBlockBytes);
  for (uint32_t row : {0u, 700u, 1199u}) {
    for (size_t byte_in_row : {size_t{0}, stride - 1}) {
      std::string damaged = pristine;
      const size_t at = fmt::kVectorsRowsAt + row * stride + byte_in_row;
      damaged[at] = static_cast<char>(damaged[at] ^ 0x04);
      WriteAll(dir_.Sub("vectors.f32"), damaged);
      {
        auto opened = HnswIndex::Open(TestEnv(), dir_.path(), /*map_vectors=*/true);
        ASSERT_TRUE(opened.ok()) << "row " << row << ": " << opened.status().ToString();
        const HnswIndex& index = **opened;
        // A search whose rescoring reads the row (copied out of the file,
        // pread_rows.h) fails rather than rank it, every time; without
        // rescoring no row is read.
        const std::string block_name = "vectors.f32: block " + std::to_string(row / rows_per_block);
        for (int attempt = 0; attempt < 2; ++attempt) {
          auto hits = index.Search(data_.Row(row), {.k = 5, .ef = 32});
          EXPECT_EQ(hits.status().code(), StatusCode::kCorruption) << "row " << row;
          EXPECT_NE(hits.status().message().find(block_name), std::string::npos)
              << hits.status().ToString();
        }
        auto unrescored = index.Search(data_.Row(row), {.k = 5, .ef = 32, .rescore = false});
        ASSERT_TRUE(unrescored.ok()) << unrescored.status().ToString();
        std::vector<float> out(data_.dims);
        // Rows of other blocks read fine.
        const uint32_t elsewhere = row < rows_per_block ? row + rows_per_block : 0;
        EXPECT_TRUE(index.GetVector(elsewhere, out).ok());
        for (int attempt = 0; attempt < 2; ++attempt) {  // refused every time
          Status s = index.GetVector(row, out);
          EXPECT_EQ(s.code(), StatusCode::kCorruption) << "row " << row << ": " << s.ToString();
          EXPECT_NE(s.message().find(block_name), std::string::npos) << s.ToString();
          EXPECT_NE(s.message().find("checksum mismatch"), std::string::npos) << s.ToString();
        }
        // Saving must not carry the damage under fresh checksums.
        EXPECT_EQ(index.Save(TestEnv(), dir_.Sub("resaved")).code(), StatusCode::kCorruption);
      }
      // Read into memory, every row is checked at open.
      auto copied = HnswIndex::Open(TestEnv(), dir_.path(), /*map_vectors=*/false);
      EXPECT_EQ(copied.status().code(), StatusCode::kCorruption);
      EXPECT_NE(copied.status().message().find("checksum mismatch"), std::string::npos)
          << copied.status().ToString();
    }
  }
  WriteAll(dir_.Sub("vectors.f32"), pristine);
  auto opened = HnswIndex::Open(TestEnv(), dir_.path(), true);
  ASSERT_TRUE(opened.ok());
  for (uint32_t row : {0u, 700u, 1199u}) {
    EXPECT_TRUE((*opened)->Search(data_.Row(row), {.k = 5, .ef = 32}).ok());
  }
}

// Rescoring copies rows out of vectors.f32 with pread: a file cut short
// under an open index is an error for the searches that need its rows (those
// verified before as well as the others), not a SIGBUS.
TEST_F(HnswFileCorruptionTest, VectorsCutShortUnderAnOpenIndexFailSearchesWithoutACrash) {
  auto opened = HnswIndex::Open(TestEnv(), dir_.path(), /*map_vectors=*/true);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto before = (*opened)->Search(data_.Row(5), {.k = 5, .ef = 32});
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_EQ(::truncate(dir_.Sub("vectors.f32").c_str(), fmt::kVectorsRowsAt), 0);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto after = (*opened)->Search(data_.Row(5), {.k = 5, .ef = 32});
    EXPECT_EQ(after.status().code(), StatusCode::kIOError) << after.status().ToString();
    EXPECT_NE(after.status().message().find("vectors.f32: short read"), std::string::npos)
        << after.status().ToString();
  }
  // The walk itself reads only codes and links, which are intact.
  auto unrescored = (*opened)->Search(data_.Row(5), {.k = 5, .ef = 32, .rescore = false});
  ASSERT_TRUE(unrescored.ok()) << unrescored.status().ToString();
  EXPECT_EQ(unrescored->size(), 5u);
  WriteAll(dir_.Sub("vectors.f32"), originals_["vectors.f32"]);
}

// The exact scan reads rows too (all of them, or the ones a filter allows).
TEST_F(HnswFileCorruptionTest, ExactScansCheckTheRowsTheyRead) {
  std::string damaged = originals_["vectors.f32"];
  const size_t stride = data_.dims * sizeof(float);
  const uint32_t row = 300;
  damaged[fmt::kVectorsRowsAt + row * stride] =
      static_cast<char>(damaged[fmt::kVectorsRowsAt + row * stride] ^ 0x01);
  WriteAll(dir_.Sub("vectors.f32"), damaged);
  auto opened = HnswIndex::Open(TestEnv(), dir_.path(), true);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  // A filter allowing a few rows is answered by an exact scan over them.
  RowFilter clean(data_.rows());
  RowFilter bad(data_.rows());
  for (uint32_t r : {2u, 3u, 4u}) clean.Allow(r);
  for (uint32_t r : {2u, 3u, row}) bad.Allow(r);
  auto ok = (*opened)->Search(data_.Row(row), {.k = 2, .filter = &clean});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size(), 2u);
  auto refused = (*opened)->Search(data_.Row(row), {.k = 2, .filter = &bad});
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption) << refused.status().ToString();
  WriteAll(dir_.Sub("vectors.f32"), originals_["vectors.f32"]);
}

TEST_F(HnswFileCorruptionTest, MissingFilesAndNewerVersions) {
  std::filesystem::remove(dir_.Sub("codes.i8"));
  auto opened = HnswIndex::Open(TestEnv(), dir_.path(), true);
  EXPECT_EQ(opened.status().code(), StatusCode::kNotFound);
  EXPECT_NE(opened.status().message().find("codes.i8"), std::string::npos);

  std::string newer = originals_["graph.hnsw"];
  PutAt<uint32_t>(newer, fmt::kVersionOffset, fmt::kVersion + 1);
  Reseal(newer);
  ExpectRefused("graph.hnsw", newer, StatusCode::kNotSupported, "upgrade Quarry");

  std::string wrong_magic = originals_["graph.hnsw"];
  wrong_magic.replace(0, 8, originals_["vectors.f32"].substr(0, 8));
  ExpectRefused("graph.hnsw", wrong_magic, StatusCode::kCorruption, "bad magic");
}

TEST_F(HnswFileCorruptionTest, FilesFromDifferentSavesAreRefused) {
  quarry::testing::TempDir other;
  const DataSet data = Clustered(1200, 8, 6, 1.0f, 46);
  ASSERT_TRUE(Build(Quantization::kInt8, data, 4)->Save(TestEnv(), other.path()).ok());
  ExpectRefused("vectors.f32", ReadAll(other.Sub("vectors.f32")), StatusCode::kCorruption,
                "different save");
  ExpectRefused("codes.i8", ReadAll(other.Sub("codes.i8")), StatusCode::kCorruption,
                "different save");
}

TEST_F(HnswFileCorruptionTest, InconsistentGraphsWithValidChecksumsAreRefused) {
  const std::string& g = originals_["graph.hnsw"];
  const auto rows = GetAt<uint64_t>(g, fmt::kRowsOffset);
  const auto m = GetAt<uint32_t>(g, fmt::kGraphMOffset);
  const auto upper_words = GetAt<uint64_t>(g, fmt::kGraphUpperWordsOffset);
  const fmt::GraphLayout layout = fmt::GraphLayoutFor(rows, m, upper_words);
  const size_t stride0 = (1 + 2 * size_t{m}) * 4;
  // Node 5's first level-0 link.
  const size_t list5 = layout.level0_offset + 5 * stride0;
  ASSERT_GT(GetAt<uint32_t>(g, list5), 0u);

  auto tamper = [&](auto edit, const std::string& what) {
    std::string bytes = g;
    edit(bytes);
    Reseal(bytes);
    ExpectRefused("graph.hnsw", bytes, StatusCode::kCorruption, what);
  };
  tamper([&](std::string& b) { PutAt<uint32_t>(b, list5 + 4, static_cast<uint32_t>(rows)); },
         "past the 1200 rows");
  tamper([&](std::string& b) { PutAt<uint32_t>(b, list5, 2 * m + 1); }, "capacity");
  tamper([&](std::string& b) { PutAt<uint8_t>(b, layout.meta_offset + 5, 0x40); },
         "invalid metadata byte");
  tamper([&](std::string& b) { PutAt<uint32_t>(b, fmt::kGraphEntryOffset, 1200); }, "entry point");
  tamper([&](std::string& b) { PutAt<int32_t>(b, fmt::kGraphMaxLevelOffset, 9); }, "entry point");
  tamper([&](std::string& b) { PutAt<uint32_t>(b, fmt::kGraphMOffset, 0); }, "invalid config");
  tamper([&](std::string& b) { PutAt<uint32_t>(b, fmt::kDimsOffset, 0); }, "invalid dimensions");
  tamper([&](std::string& b) { PutAt<uint64_t>(b, fmt::kRowsOffset, 1201); }, "need");
  tamper([&](std::string& b) { PutAt<uint64_t>(b, fmt::kGraphUpperWordsOffset, upper_words + 1); },
         "need");
  // An upper-level link to a node that lives only on level 0.
  ASSERT_GT(upper_words, 0u);
  tamper(
      [&](std::string& b) {
        uint32_t level0_node = 0;
        while (GetAt<uint8_t>(b, layout.meta_offset + level0_node) != 0) ++level0_node;
        PutAt<uint32_t>(b, layout.upper_offset, 1);  // first upper list: one link
        PutAt<uint32_t>(b, layout.upper_offset + 4, level0_node);
      },
      "lives only up to level 0");
}

// Writes `codes` resealed and the graph re-pointed at its body CRC, so that
// only the semantic checks of the codes file stand between it and use.
// Returns what Open says; the originals are restored after.
Status OpenWithConsistentCodes(const quarry::testing::TempDir& dir, const std::string& file,
                               std::string codes, const std::string& graph_original) {
  const std::string codes_original = ReadAll(dir.Sub(file));
  std::string graph = graph_original;
  PutAt<uint32_t>(graph, fmt::kGraphCodesCrcOffset, Reseal(codes));
  Reseal(graph);
  WriteAll(dir.Sub(file), codes);
  WriteAll(dir.Sub("graph.hnsw"), graph);
  auto opened = HnswIndex::Open(TestEnv(), dir.path(), true);
  WriteAll(dir.Sub(file), codes_original);
  WriteAll(dir.Sub("graph.hnsw"), graph_original);
  return opened.ok() ? Status::Ok() : opened.status();
}

void ExpectCodesRefused(const quarry::testing::TempDir& dir, const std::string& file,
                        const std::string& codes, const std::string& graph,
                        const std::string& what) {
  Status s = OpenWithConsistentCodes(dir, file, codes, graph);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find(file), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find(what), std::string::npos) << s.ToString();
}

TEST_F(HnswFileCorruptionTest, BadInt8RangesAreRefused) {
  // The ranges section opens the codes body: dims scales, then dims offsets.
  const std::string& codes = originals_["codes.i8"];
  const std::string& graph = originals_["graph.hnsw"];
  EXPECT_TRUE(OpenWithConsistentCodes(dir_, "codes.i8", codes, graph).ok());
  const size_t scales = fmt::kHeaderSize;
  const size_t offsets = fmt::kHeaderSize + 8 * sizeof(float);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (float bad : {0.0f, -1.0f, nan, std::numeric_limits<float>::infinity()}) {
    std::string b = codes;
    PutAt<float>(b, scales + 3 * sizeof(float), bad);
    ExpectCodesRefused(dir_, "codes.i8", b, graph, "scale of dimension 3");
  }
  std::string b = codes;
  PutAt<float>(b, offsets + 7 * sizeof(float), nan);
  ExpectCodesRefused(dir_, "codes.i8", b, graph, "offset of dimension 7");
  // A section size that does not match the dimensions.
  b = codes;
  PutAt<uint32_t>(b, fmt::kCodeParamsBytesOffset, 32);
  ExpectCodesRefused(dir_, "codes.i8", b, graph, "quantizer section of 32 bytes, expected 64");
  // Damage without resealing: the body checksum catches it first.
  b = codes;
  b[scales + 5] = static_cast<char>(b[scales + 5] ^ 0x10);
  ExpectRefused("codes.i8", b, StatusCode::kCorruption, "body checksum mismatch");
}

TEST(HnswFileTest, BadBinaryCentreIsRefused) {
  const DataSet data = Clustered(1200, 8, 6, 1.0f, 47);
  quarry::testing::TempDir dir;
  ASSERT_TRUE(Build(Quantization::kBinary, data, 4)->Save(TestEnv(), dir.path()).ok());
  const std::string codes = ReadAll(dir.Sub("codes.bin"));
  const std::string graph = ReadAll(dir.Sub("graph.hnsw"));
  // The centre: 8 floats at the start of the body.
  EXPECT_EQ(GetAt<uint32_t>(codes, fmt::kCodeParamsBytesOffset), 8 * sizeof(float));
  EXPECT_TRUE(OpenWithConsistentCodes(dir, "codes.bin", codes, graph).ok());
  for (float bad :
       {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()}) {
    std::string b = codes;
    PutAt<float>(b, fmt::kHeaderSize + 2 * sizeof(float), bad);
    ExpectCodesRefused(dir, "codes.bin", b, graph, "centre of dimension 2");
  }
}

}  // namespace
}  // namespace quarry::vector
