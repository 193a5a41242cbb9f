#include "lexical/posting_block.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "lexical/varint.h"

namespace quarry::lexical {
namespace {

TEST(VarintTest, RoundTripsEdgeValues) {
  for (uint32_t v : {0u, 1u, 127u, 128u, 16383u, 16384u, (1u << 28) - 1, 1u << 28, UINT32_MAX}) {
    std::vector<uint8_t> bytes;
    PutVarint32(v, &bytes);
    EXPECT_LE(bytes.size(), static_cast<size_t>(kMaxVarint32Bytes));
    const uint8_t* p = bytes.data();
    uint32_t out = 0;
    ASSERT_TRUE(GetVarint32(&p, bytes.data() + bytes.size(), &out)) << v;
    EXPECT_EQ(out, v);
    EXPECT_EQ(p, bytes.data() + bytes.size());
  }
}

TEST(VarintTest, RefusesTruncatedAndOverlong) {
  const std::vector<uint8_t> truncated = {0x80, 0x80};
  const uint8_t* p = truncated.data();
  uint32_t v;
  EXPECT_FALSE(GetVarint32(&p, truncated.data() + truncated.size(), &v));
  const std::vector<uint8_t> too_big = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F};  // 35 bits
  p = too_big.data();
  EXPECT_FALSE(GetVarint32(&p, too_big.data() + too_big.size(), &v));
  const std::vector<uint8_t> endless = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  p = endless.data();
  EXPECT_FALSE(GetVarint32(&p, endless.data() + endless.size(), &v));
}

TEST(PostingBlockTest, RoundTripsRandomBlocks) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const uint32_t count = 1 + rng() % format::kBlockSize;
    const uint32_t base = rng() % 1000;
    std::vector<Posting> postings;
    uint32_t doc = base + rng() % 5;
    for (uint32_t i = 0; i < count; ++i) {
      Posting p;
      p.doc = doc;
      p.tf = {static_cast<uint32_t>(rng() % 3),
              static_cast<uint32_t>(1 + rng() % (trial % 2 ? 300 : 4))};
      postings.push_back(p);
      doc += 1 + rng() % (trial % 3 ? 10 : 100000);
    }
    std::vector<uint8_t> bytes;
    EncodeBlock(postings, base, &bytes);
    DecodedBlock decoded;
    ASSERT_TRUE(DecodeBlock(bytes, count, base, &decoded));
    ASSERT_EQ(decoded.count, count);
    for (uint32_t i = 0; i < count; ++i) {
      EXPECT_EQ(decoded.docs[i], postings[i].doc);
      EXPECT_EQ(decoded.tf[0][i], postings[i].tf[0]);
      EXPECT_EQ(decoded.tf[1][i], postings[i].tf[1]);
    }
    // One byte short, one byte extra, a wrong count: all refused.
    DecodedBlock scratch;
    EXPECT_FALSE(DecodeBlock(std::span(bytes).first(bytes.size() - 1), count, base, &scratch));
    std::vector<uint8_t> longer = bytes;
    longer.push_back(0);
    EXPECT_FALSE(DecodeBlock(longer, count, base, &scratch));
    EXPECT_FALSE(DecodeBlock(bytes, 0, base, &scratch));
    EXPECT_FALSE(DecodeBlock(bytes, format::kBlockSize + 1, base, &scratch));
  }
}

TEST(PostingBlockTest, DocIdOverflowIsRefused) {
  std::vector<uint8_t> bytes;
  PutVarint32(UINT32_MAX, &bytes);  // doc = base + gap overflows 32 bits
  PutVarint32(1, &bytes);
  PutVarint32(1, &bytes);
  DecodedBlock decoded;
  EXPECT_FALSE(DecodeBlock(bytes, 1, 5, &decoded));
}

}  // namespace
}  // namespace quarry::lexical
