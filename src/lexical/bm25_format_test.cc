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
#include "lexical/testing/bm25_reseal.h"

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

// The first refusal of `bytes`: at open, or else on the first use of some
// term (every term is verified, in order). Ok when nothing is refused.
Status FirstRefusal(const std::vector<uint8_t>& bytes) {
  Result<Bm25Index> index = Bm25Index::Open(bytes);
  if (!index.ok()) return index.status();
  for (uint32_t t = 0; t < index->term_count(); ++t) {
    QUARRY_RETURN_IF_ERROR(index->VerifyTerm(index->TermInfoAt(t)));
  }
  return Status::Ok();
}

void ExpectCorruption(const std::vector<uint8_t>& bytes, const std::string& needle) {
  const Status refused = FirstRefusal(bytes);
  ASSERT_FALSE(refused.ok()) << "expected refusal containing '" << needle << "'";
  EXPECT_EQ(refused.code(), StatusCode::kCorruption);
  EXPECT_NE(refused.message().find(needle), std::string::npos) << refused.message();
}

// The layout of docs/format/bm25-postings.md, written out field by field
// for a two-document index (doc 0: title "b", body "a b a"; doc 1: body
// "b") in format `version` (1 or 2), so that a change to the writer
// (Bm25Writer, shared by the builder and the merge) cannot silently change
// the format, and version 1 files stay readable.
std::vector<uint8_t> DocumentedLayout(uint32_t version) {
  const size_t term_entry = version == 1 ? 24 : 32;
  // Block table: "a" in doc 0 (tf 0 and 2); "b" in docs 0 and 1.
  std::vector<uint8_t> blocks;
  const auto block = [&blocks](uint32_t last_doc, uint32_t count, uint64_t offset,
                               std::array<uint32_t, 4> max_tf_min_len) {
    AppendU32(&blocks, last_doc);
    AppendU32(&blocks, count);
    AppendU64(&blocks, offset);
    for (uint32_t v : max_tf_min_len) AppendU32(&blocks, v);
  };
  block(0, 1, 0, {0, 2, 1, 3});
  block(1, 2, 3, {1, 1, 0, 1});
  // Postings: gaps, title tfs, body tfs, per block.
  const std::vector<uint8_t> postings = {0, 0, 2, /* block 1 */ 0, 0, 1, 0, 1, 1};
  // Term table: "a" then "b"; version 2 adds each term's checksum over its
  // block entry and its postings bytes, and 4 reserved bytes.
  std::vector<uint8_t> terms;
  const auto term = [&](uint64_t string_offset, uint32_t length, uint32_t df, uint64_t first_block,
                        size_t begin, size_t end) {
    AppendU64(&terms, string_offset);
    AppendU32(&terms, length);
    AppendU32(&terms, df);
    AppendU64(&terms, first_block);
    if (version == 1) return;
    AppendU32(&terms, crc32c::Extend(crc32c::Value(blocks.data() + first_block * 32, 32),
                                     postings.data() + begin, end - begin));
    AppendU32(&terms, 0);
  };
  term(0, 1, 1, 0, 0, 3);
  term(1, 1, 2, 1, 3, 9);
  std::vector<uint8_t> lengths;  // (title, body) of doc 0, then doc 1
  for (uint32_t v : {1u, 3u, 0u, 1u}) AppendU32(&lengths, v);
  const std::vector<uint8_t> strings = {'a', 'b'};

  std::vector<uint8_t> body = terms;
  const uint64_t lengths_at = body.size();  // 48 or 64: already aligned
  body.insert(body.end(), lengths.begin(), lengths.end());
  const uint64_t blocks_at = body.size();
  body.insert(body.end(), blocks.begin(), blocks.end());
  const uint64_t strings_at = body.size();
  body.insert(body.end(), strings.begin(), strings.end());
  body.resize(body.size() + 6);  // padded to 8
  const uint64_t postings_at = body.size();
  body.insert(body.end(), postings.begin(), postings.end());
  EXPECT_EQ(term_entry * 2, lengths_at);

  std::vector<uint8_t> out(format::kHeaderSize, 0);
  uint8_t* h = out.data();
  std::memcpy(h, "QRYBM25\0", 8);
  StoreU32(h + 8, version);
  StoreU32(h + 12, 128);  // header size
  StoreU64(h + 16, body.size());
  uint32_t crc = crc32c::Value(body.data(), body.size());
  if (version == 2) {
    crc = crc32c::Value(terms.data(), terms.size());
    crc = crc32c::Extend(crc, lengths.data(), lengths.size());
    crc = crc32c::Extend(crc, strings.data(), strings.size());
  }
  StoreU32(h + 24, crc);
  StoreU32(h + 28, 128);  // block size
  StoreU32(h + 32, 2);    // documents
  StoreU32(h + 36, 2);    // terms
  StoreU32(h + 40, 2);    // blocks
  StoreU32(h + 44, 2);    // fields
  StoreU64(h + 48, 1);    // total title length
  StoreU64(h + 56, 4);    // total body length
  // Section offsets, strings size, postings size.
  const uint64_t offsets[] = {0, lengths_at, blocks_at, strings_at, 2, postings_at, 9};
  for (size_t i = 0; i < 7; ++i) StoreU64(h + 64 + 8 * i, offsets[i]);
  StoreU32(h + 124, crc32c::Value(h, 124));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bm25IndexBuilder DocumentedBuilder() {
  Bm25IndexBuilder b;
  EXPECT_TRUE(b.AddDocument(Terms{"b"}, Terms{"a", "b", "a"}).ok());
  EXPECT_TRUE(b.AddDocument(Terms{}, Terms{"b"}).ok());
  return b;
}

TEST(Bm25FormatTest, BytesAreTheDocumentedLayout) {
  const std::vector<uint8_t> expected = DocumentedLayout(2);
  ASSERT_EQ(expected.size(), 128u + 161u);
  EXPECT_TRUE(DocumentedBuilder().Serialize() == expected);
}

// A version 1 file (what sessions before 12 wrote) opens, is verified
// whole at open, and searches like its version 2 twin.
TEST(Bm25FormatTest, Version1IsStillReadAndVerifiedAtOpen) {
  const std::vector<uint8_t> v1 = DocumentedLayout(1);
  ASSERT_EQ(v1.size(), 128u + 145u);
  Result<Bm25Index> old_index = Bm25Index::Open(v1);
  ASSERT_TRUE(old_index.ok()) << old_index.status().ToString();
  Result<Bm25Index> new_index = DocumentedBuilder().Build();
  ASSERT_TRUE(new_index.ok());
  for (const Terms& query : {Terms{"a"}, Terms{"b"}, Terms{"a", "b"}}) {
    std::vector<ScoredDoc> old_hits, new_hits;
    for (auto [index, hits] : {std::pair{&*old_index, &old_hits}, {&*new_index, &new_hits}}) {
      std::vector<QueryTerm> q = CountQueryTerms(query);
      AddDocFreqs(*index, q);
      ASSERT_TRUE(Bm25Searcher().Search(*index, q, index->LocalStats(), {}, hits).ok());
    }
    ASSERT_EQ(old_hits.size(), new_hits.size());
    for (size_t i = 0; i < old_hits.size(); ++i) {
      EXPECT_EQ(old_hits[i].doc, new_hits[i].doc);
      EXPECT_EQ(old_hits[i].score, new_hits[i].score);
    }
  }
  // Version 1's body checksum covers the postings: damage there stops the open.
  std::vector<uint8_t> damaged = v1;
  damaged.back() ^= 1;
  Result<Bm25Index> refused = Bm25Index::Open(damaged);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("body checksum"), std::string::npos);
  // And every block is decoded at open: a block-max entry that understates
  // a tf, behind a valid body checksum, is refused by Open itself (version 1
  // has no per-term verification to catch it later).
  std::vector<uint8_t> lie = v1;
  const uint64_t blocks = format::kHeaderSize + LoadU64(v1.data() + format::kOffBlocksOffset);
  StoreU32(lie.data() + blocks + 20, 0);  // block 0: max body tf 2 -> 0
  ResealBm25Checksums(&lie);
  Result<Bm25Index> lied = Bm25Index::Open(lie);
  ASSERT_FALSE(lied.ok());
  EXPECT_NE(lied.status().message().find("block-max data disagrees"), std::string::npos)
      << lied.status().ToString();
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
  ASSERT_TRUE(index->VerifyTerm(gene).ok());
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
  ASSERT_TRUE(index->VerifyTerm(common).ok());
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
  StoreU32(version.data() + format::kOffVersion, 3);
  ResealBm25Checksums(&version);
  ExpectCorruption(version, "version 3; this build reads versions 1 to 2");

  // A flipped bit in the tables stops the open; one in the postings, the
  // first use of the term it belongs to ("virus", the last).
  std::vector<uint8_t> tables = good;
  tables[format::kHeaderSize + LoadU64(good.data() + format::kOffStringsOffset)] ^= 1;
  ExpectCorruption(tables, "tables checksum");
  std::vector<uint8_t> postings = good;
  postings.back() ^= 1;
  Result<Bm25Index> opened = Bm25Index::Open(postings);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_TRUE(opened->VerifyTerm(*opened->Find("gene")).ok());
  const Status virus = opened->VerifyTerm(*opened->Find("virus"));
  EXPECT_EQ(virus.code(), StatusCode::kCorruption);
  EXPECT_NE(virus.message().find("term 3: postings checksum mismatch"), std::string::npos)
      << virus.ToString();
  const Status again = opened->VerifyTerm(*opened->Find("virus"));  // never trusted later
  EXPECT_EQ(again.code(), StatusCode::kCorruption);
  EXPECT_NE(again.message().find("term 3: refused at an earlier read"), std::string::npos)
      << again.ToString();
  const Terms query = {"gene", "virus"};  // the query terms view these strings
  std::vector<QueryTerm> q = CountQueryTerms(query);
  AddDocFreqs(*opened, q);
  std::vector<ScoredDoc> hits;
  EXPECT_EQ(Bm25Searcher().Search(*opened, q, opened->LocalStats(), {}, &hits).code(),
            StatusCode::kCorruption);

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
  ResealBm25Checksums(&max_tf);
  ExpectCorruption(max_tf, "");

  std::vector<uint8_t> docs = good;
  StoreU32(docs.data() + format::kOffDocCount, 1);  // postings now point past the last doc
  ResealBm25Checksums(&docs);
  ExpectCorruption(docs, "");

  std::vector<uint8_t> section = good;
  StoreU64(section.data() + format::kOffPostingsOffset, 1ull << 40);
  ResealBm25Checksums(&section);
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
  ASSERT_TRUE(FirstRefusal(good).ok());  // the reseal alone changes nothing
  {
    std::vector<uint8_t> resealed = good;
    ResealBm25Checksums(&resealed);
    ASSERT_TRUE(resealed == good);
  }
  const Terms query = {"t1", "t2", "t3", "t39"};
  size_t accepted = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint8_t> bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      const size_t at = format::kOffBlockSize + rng() % (bytes.size() - format::kOffBlockSize);
      bytes[at] = static_cast<uint8_t>(rng());
    }
    ResealBm25Checksums(&bytes);
    Result<Bm25Index> index = Bm25Index::Open(bytes);
    if (!index.ok()) {
      EXPECT_EQ(index.status().code(), StatusCode::kCorruption) << index.status().ToString();
      continue;
    }
    // A search verifies the terms it reads: refused, or answered in bounds.
    std::vector<QueryTerm> q = CountQueryTerms(query);
    AddDocFreqs(*index, q);
    std::vector<ScoredDoc> hits;
    const Status searched = Bm25Searcher().Search(*index, q, index->LocalStats(), {}, &hits);
    if (FirstRefusal(bytes).ok()) {
      ++accepted;  // every term verifies: the search must answer
      EXPECT_TRUE(searched.ok()) << searched.ToString();
    } else {
      EXPECT_TRUE(searched.ok() || searched.code() == StatusCode::kCorruption)
          << searched.ToString();
    }
  }
  EXPECT_LT(accepted, 3000u);  // most damage is caught, at open or on first use
}

}  // namespace
}  // namespace quarry::lexical
