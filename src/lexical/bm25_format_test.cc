// The serialized form: round trips, and refusal of every kind of damage.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "base/crc32c.h"
#include "lexical/bm25_builder.h"
#include "lexical/bm25_format.h"
#include "lexical/bm25_index.h"
#include "lexical/bm25_searcher.h"
#include "lexical/byte_io.h"

namespace quarry::lexical {
namespace {

using Terms = std::vector<std::string>;

Bm25IndexBuilder SmallBuilder() {
  Bm25IndexBuilder b;
  EXPECT_TRUE(b.AddDocument(Terms{"gene", "therapi"}, Terms{"gene", "deliveri", "gene"}).ok());
  EXPECT_TRUE(b.AddDocument(Terms{}, Terms{"virus", "deliveri"}).ok());
  EXPECT_TRUE(b.AddDocument(Terms{"virus"}, Terms{}).ok());
  return b;
}

// Rewrites both checksums so that a deliberate change reaches the validator.
void Reseal(std::vector<uint8_t>* bytes) {
  uint8_t* h = bytes->data();
  StoreU32(h + format::kOffBodyCrc,
           crc32c::Value(h + format::kHeaderSize, bytes->size() - format::kHeaderSize));
  StoreU32(h + format::kOffHeaderCrc, crc32c::Value(h, format::kOffHeaderCrc));
}

void ExpectCorruption(const std::vector<uint8_t>& bytes, const std::string& needle) {
  Result<Bm25Index> index = Bm25Index::Open(bytes);
  ASSERT_FALSE(index.ok()) << "expected refusal containing '" << needle << "'";
  EXPECT_EQ(index.status().code(), StatusCode::kCorruption);
  EXPECT_NE(index.status().message().find(needle), std::string::npos) << index.status().message();
}

// The version 1 layout, written out field by field from
// docs/format/bm25-postings.md for a two-document index, so that a change to
// the writer (Bm25Writer, shared by the builder and the merge) cannot
// silently change the format. Doc 0: title "b", body "a b a"; doc 1: body
// "b".
TEST(Bm25FormatTest, BytesAreTheDocumentedLayout) {
  Bm25IndexBuilder b;
  ASSERT_TRUE(b.AddDocument(Terms{"b"}, Terms{"a", "b", "a"}).ok());
  ASSERT_TRUE(b.AddDocument(Terms{}, Terms{"b"}).ok());

  std::vector<uint8_t> body;
  const auto term = [&body](uint64_t string_offset, uint32_t length, uint32_t df,
                            uint64_t first_block) {
    AppendU64(&body, string_offset);
    AppendU32(&body, length);
    AppendU32(&body, df);
    AppendU64(&body, first_block);
  };
  const auto block = [&body](uint32_t last_doc, uint32_t count, uint64_t offset,
                             std::array<uint32_t, 4> max_tf_min_len) {
    AppendU32(&body, last_doc);
    AppendU32(&body, count);
    AppendU64(&body, offset);
    for (uint32_t v : max_tf_min_len) AppendU32(&body, v);
  };
  // Term table at 0: "a" then "b".
  term(0, 1, 1, 0);
  term(1, 1, 2, 1);
  // Length table at 48: (title, body) of doc 0, then doc 1.
  for (uint32_t v : {1u, 3u, 0u, 1u}) AppendU32(&body, v);
  // Block table at 64: "a" in doc 0 (tf 0 and 2); "b" in docs 0 and 1.
  block(0, 1, 0, {0, 2, 1, 3});
  block(1, 2, 3, {1, 1, 0, 1});
  // Strings at 128, padded to 8.
  for (char c : {'a', 'b', '\0', '\0', '\0', '\0', '\0', '\0'})
    body.push_back(static_cast<uint8_t>(c));
  // Postings at 136: gaps, title tfs, body tfs, per block.
  for (int v : {0, 0, 2, /* block 1 */ 0, 0, 1, 0, 1, 1}) body.push_back(static_cast<uint8_t>(v));

  std::vector<uint8_t> expected(format::kHeaderSize, 0);
  uint8_t* h = expected.data();
  std::memcpy(h, "QRYBM25\0", 8);
  StoreU32(h + 8, 1);     // version
  StoreU32(h + 12, 128);  // header size
  StoreU64(h + 16, body.size());
  StoreU32(h + 24, crc32c::Value(body.data(), body.size()));
  StoreU32(h + 28, 128);                                   // block size
  StoreU32(h + 32, 2);                                     // documents
  StoreU32(h + 36, 2);                                     // terms
  StoreU32(h + 40, 2);                                     // blocks
  StoreU32(h + 44, 2);                                     // fields
  StoreU64(h + 48, 1);                                     // total title length
  StoreU64(h + 56, 4);                                     // total body length
  const uint64_t offsets[] = {0, 48, 64, 128, 2, 136, 9};  // sections, strings size, postings size
  for (size_t i = 0; i < 7; ++i) StoreU64(h + 64 + 8 * i, offsets[i]);
  StoreU32(h + 124, crc32c::Value(h, 124));
  expected.insert(expected.end(), body.begin(), body.end());
  ASSERT_EQ(expected.size(), 128u + 145u);

  EXPECT_TRUE(b.Serialize() == expected);
}

TEST(Bm25FormatTest, RoundTrip) {
  const std::vector<uint8_t> bytes = SmallBuilder().Serialize();
  Result<Bm25Index> index = Bm25Index::Open(bytes);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(index->doc_count(), 3u);
  EXPECT_EQ(index->term_count(), 4u);
  EXPECT_EQ(index->TermAt(0), "deliveri");
  EXPECT_EQ(index->TermAt(3), "virus");
  EXPECT_EQ(index->DocFreq("gene"), 1u);
  EXPECT_EQ(index->DocFreq("virus"), 2u);
  EXPECT_EQ(index->DocFreq("absent"), 0u);
  EXPECT_EQ(index->FieldLength(0, 0), 2u);
  EXPECT_EQ(index->FieldLength(0, 1), 3u);
  EXPECT_EQ(index->FieldLength(2, 1), 0u);
  const CollectionStats stats = index->LocalStats();
  EXPECT_EQ(stats.doc_count, 3u);
  EXPECT_EQ(stats.total_length[0], 3u);
  EXPECT_EQ(stats.total_length[1], 5u);
  const TermInfo gene = *index->Find("gene");
  const BlockInfo block = index->Block(gene.first_block);
  EXPECT_EQ(block.count, 1u);
  EXPECT_EQ(block.max_tf[0], 1u);
  EXPECT_EQ(block.max_tf[1], 2u);
}

TEST(Bm25FormatTest, BuilderStaysAppendableAndAdoptOwns) {
  Bm25IndexBuilder b = SmallBuilder();
  Result<Bm25Index> before = b.Build();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(b.AddDocument(Terms{"gene"}, Terms{}).ok());
  Result<Bm25Index> after = b.Build();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(before->DocFreq("gene"), 1u);
  EXPECT_EQ(after->DocFreq("gene"), 2u);
  Bm25Index moved = std::move(after).value();  // moving keeps the owned bytes in place
  EXPECT_EQ(moved.DocFreq("gene"), 2u);
}

TEST(Bm25FormatTest, ManyBlocksPerTerm) {
  Bm25IndexBuilder b;
  for (int d = 0; d < 1000; ++d) {
    Terms body = {"common"};
    if (d % 3 == 0) body.push_back("third");
    ASSERT_TRUE(b.AddDocument(Terms{}, body).ok());
  }
  Result<Bm25Index> index = b.Build();
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  const TermInfo common = *index->Find("common");
  EXPECT_EQ(common.doc_freq, 1000u);
  EXPECT_EQ(common.block_count, 8u);
  EXPECT_EQ(index->Block(common.first_block + 7).count, 1000u - 7 * 128);
  EXPECT_EQ(index->Block(common.first_block + 7).last_doc, 999u);
}

TEST(Bm25FormatTest, EmptyIndex) {
  Result<Bm25Index> index = Bm25IndexBuilder().Build();
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(index->doc_count(), 0u);
  EXPECT_FALSE(index->Find("x").has_value());
}

TEST(Bm25FormatTest, BuilderRefusesBadTerms) {
  Bm25IndexBuilder b;
  EXPECT_EQ(b.AddDocument(Terms{""}, Terms{}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b.AddDocument(Terms{}, Terms{std::string(2000, 'x')}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(b.doc_count(), 0u);
  EXPECT_EQ(b.term_count(), 0u);
}

TEST(Bm25FormatTest, RefusesDamage) {
  const std::vector<uint8_t> good = SmallBuilder().Serialize();

  ExpectCorruption(std::vector<uint8_t>(good.begin(), good.begin() + 100), "shorter than");
  std::vector<uint8_t> truncated(good.begin(), good.end() - 1);
  ExpectCorruption(truncated, "truncated");

  std::vector<uint8_t> magic = good;
  magic[0] = 'X';
  ExpectCorruption(magic, "magic");

  std::vector<uint8_t> version = good;
  StoreU32(version.data() + format::kOffVersion, 2);
  Reseal(&version);
  ExpectCorruption(version, "version 2; this build reads version 1");

  std::vector<uint8_t> body = good;
  body.back() ^= 1;
  ExpectCorruption(body, "body checksum");

  std::vector<uint8_t> header = good;
  header[format::kOffDocCount] ^= 1;
  ExpectCorruption(header, "header checksum");
}

TEST(Bm25FormatTest, RefusesConsistentlyResealedLies) {
  const std::vector<uint8_t> good = SmallBuilder().Serialize();
  const uint64_t blocks = LoadU64(good.data() + format::kOffBlocksOffset) + format::kHeaderSize;

  // A block-max entry that understates a tf would make pruning drop results.
  std::vector<uint8_t> max_tf = good;
  StoreU32(max_tf.data() + blocks + 16, 0);
  StoreU32(max_tf.data() + blocks + 20, 0);
  Reseal(&max_tf);
  ExpectCorruption(max_tf, "");

  std::vector<uint8_t> docs = good;
  StoreU32(docs.data() + format::kOffDocCount, 1);  // postings now point past the last doc
  Reseal(&docs);
  ExpectCorruption(docs, "");

  std::vector<uint8_t> section = good;
  StoreU64(section.data() + format::kOffPostingsOffset, 1ull << 40);
  Reseal(&section);
  ExpectCorruption(section, "outside the body");
}

TEST(Bm25FormatTest, RandomDamageBehindValidChecksumsIsRefusedOrHarmless) {
  // Bytes that pass the checksums but were written by someone else (a bug, a
  // hostile file): Open either refuses them or yields an index that searches
  // without reading out of bounds (run under ASan in CI).
  Bm25IndexBuilder b;
  std::mt19937 rng(3);
  for (int d = 0; d < 300; ++d) {
    Terms body;
    for (int i = 0; i < 20; ++i) body.push_back("t" + std::to_string(rng() % 40));
    ASSERT_TRUE(b.AddDocument(Terms{"t" + std::to_string(d % 7)}, body).ok());
  }
  const std::vector<uint8_t> good = b.Serialize();
  const Terms query = {"t1", "t2", "t3", "t39"};
  size_t opened = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint8_t> bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      const size_t at = format::kOffBlockSize + rng() % (bytes.size() - format::kOffBlockSize);
      bytes[at] = static_cast<uint8_t>(rng());
    }
    Reseal(&bytes);
    Result<Bm25Index> index = Bm25Index::Open(bytes);
    if (!index.ok()) {
      EXPECT_EQ(index.status().code(), StatusCode::kCorruption) << index.status().ToString();
      continue;
    }
    ++opened;
    std::vector<QueryTerm> q = CountQueryTerms(query);
    AddDocFreqs(*index, q);
    std::vector<ScoredDoc> hits;
    EXPECT_TRUE(Bm25Searcher().Search(*index, q, index->LocalStats(), {}, &hits).ok());
  }
  EXPECT_LT(opened, 3000u);  // most damage is caught
}

}  // namespace
}  // namespace quarry::lexical
