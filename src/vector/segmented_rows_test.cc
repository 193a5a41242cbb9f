#include "vector/segmented_rows.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <vector>

#include "vector/hnsw_graph.h"

namespace quarry::vector {
namespace {

uint32_t Value(const SegmentedRows& s, size_t r) {
  uint32_t v;
  std::memcpy(&v, s.Row(r), 4);
  return v;
}

TEST(SegmentedRowsTest, ChunksDoubleAndRowsNeverMove) {
  EXPECT_EQ(SegmentedRows::ChunkStart(0), 0u);
  EXPECT_EQ(SegmentedRows::ChunkStart(1), 1024u);
  EXPECT_EQ(SegmentedRows::ChunkStart(2), 3072u);
  EXPECT_EQ(SegmentedRows::ChunkRows(2), 4096u);

  SegmentedRows s(8);
  ASSERT_TRUE(s.Reserve(1).ok());
  EXPECT_EQ(s.capacity(), 1024u);
  std::memcpy(s.MutableRow(1023), "abcdefgh", 8);
  const uint8_t* before = s.Row(1023);
  ASSERT_TRUE(s.Reserve(100000).ok());
  EXPECT_GE(s.capacity(), 100000u);
  EXPECT_EQ(s.Row(1023), before);
  EXPECT_EQ(std::memcmp(s.Row(1023), "abcdefgh", 8), 0);
  // Rows inside one chunk are contiguous; the next chunk starts elsewhere.
  EXPECT_EQ(s.Row(1025), s.Row(1024) + 8);
  EXPECT_EQ(s.Row(3071), s.Row(1024) + 2047 * 8);
  // Fresh memory is zero.
  EXPECT_EQ(Value(s, 99999), 0u);
}

TEST(SegmentedRowsTest, CopyInAndRunsCrossChunks) {
  SegmentedRows s(4);
  ASSERT_TRUE(s.Reserve(5000).ok());
  std::vector<uint32_t> values(5000);
  std::iota(values.begin(), values.end(), 7);
  s.CopyIn(0, reinterpret_cast<const uint8_t*>(values.data()), 5000);
  for (size_t r : {0, 1023, 1024, 3071, 3072, 4999}) EXPECT_EQ(Value(s, r), r + 7);

  std::vector<uint32_t> back;
  s.ForEachRun(5000, [&](const uint8_t* p, size_t n) {
    const auto* w = reinterpret_cast<const uint32_t*>(p);
    back.insert(back.end(), w, w + n);
  });
  EXPECT_EQ(back, values);
}

TEST(SegmentedRowsTest, ViewsStayMappedUntilWritten) {
  std::vector<uint32_t> file(2000);
  std::iota(file.begin(), file.end(), 100);
  const auto* base = reinterpret_cast<const uint8_t*>(file.data());

  SegmentedRows append_only(4);
  append_only.InitView(base, 2000);
  EXPECT_TRUE(append_only.is_view());
  EXPECT_EQ(append_only.Row(0), base);
  EXPECT_EQ(append_only.Row(1500), base + 1500 * 4);
  EXPECT_EQ(append_only.OwnedBytes(), 0u);
  // Appending copies only the chunk the view ends in (rows 1024..1999).
  ASSERT_TRUE(append_only.Reserve(2001).ok());
  EXPECT_FALSE(append_only.is_view());
  EXPECT_EQ(append_only.Row(0), base);
  EXPECT_NE(append_only.Row(1500), base + 1500 * 4);
  EXPECT_EQ(Value(append_only, 1500), 1600u);
  std::memcpy(append_only.MutableRow(2000), "wxyz", 4);
  EXPECT_EQ(file[1999], 2099u);  // the mapping was never written

  SegmentedRows rewritten(4);
  rewritten.InitView(base, 2000);
  ASSERT_TRUE(rewritten.MakeOwned().ok());
  EXPECT_NE(rewritten.Row(0), base);
  EXPECT_EQ(Value(rewritten, 0), 100u);
  EXPECT_EQ(Value(rewritten, 1999), 2099u);
  EXPECT_GE(rewritten.capacity(), 2000u);
}

TEST(HnswGraphTest, LinksLevelsTombstonesAndEntry) {
  HnswGraph g(4);
  EXPECT_EQ(g.m0(), 8u);
  EXPECT_EQ(g.entry().node, kNoNode);
  EXPECT_EQ(g.entry().level, -1);
  ASSERT_TRUE(g.Reserve(10).ok());
  g.InitNode(0, 2);
  g.InitNode(1, 0);
  EXPECT_EQ(g.Level(0), 2);
  EXPECT_EQ(g.Level(1), 0);
  const std::vector<uint32_t> ids{1, 0, 1};
  g.WriteLinks(0, 0, ids);
  g.WriteLinks(0, 2, std::vector<uint32_t>{0});
  std::vector<uint32_t> out;
  EXPECT_EQ(g.ReadLinks(0, 0, out), 3u);
  EXPECT_EQ(out, ids);
  EXPECT_EQ(g.ReadLinks(0, 2, out), 1u);
  EXPECT_EQ(g.ReadLinks(0, 1, out), 0u);

  EXPECT_FALSE(g.IsDeleted(0));
  EXPECT_TRUE(g.MarkDeleted(0));
  EXPECT_FALSE(g.MarkDeleted(0));
  EXPECT_TRUE(g.IsDeleted(0));
  EXPECT_EQ(g.Level(0), 2);  // the tombstone leaves the level alone

  g.SetEntry({0, 2});
  EXPECT_EQ(g.entry().node, 0u);
  EXPECT_EQ(g.entry().level, 2);
  // Level 0: 65 words... here (1 + 8) words, plus metadata and pointer.
  EXPECT_EQ(g.MemoryBytes(2), 2 * (9 * 4 + 1 + 8) + 2 * (1 + 4) * 4u);
}

TEST(HnswGraphTest, RestoreChecksUpperWordCount) {
  HnswGraph g(2);
  const std::vector<uint8_t> meta{0, 1, 2};
  ASSERT_TRUE(g.RestoreMeta(meta).ok());
  std::vector<uint32_t> upper(3 * 3, 0);  // node 1: one list, node 2: two lists of (1 + 2)
  EXPECT_TRUE(g.RestoreUpper(upper, 3).ok());
  HnswGraph short_graph(2);
  ASSERT_TRUE(short_graph.RestoreMeta(meta).ok());
  EXPECT_EQ(short_graph.RestoreUpper({upper.data(), 8}, 3).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace quarry::vector
