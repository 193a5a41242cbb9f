// Round trips and hostile bytes for the small storage formats: MANIFEST,
// write batches and the chunk store of sealed segments.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "base/env.h"
#include "base/testing/temp_dir.h"
#include "storage/checksummed_file.h"
#include "storage/chunk_store.h"
#include "storage/coding.h"
#include "storage/document_codec.h"
#include "storage/manifest.h"
#include "storage/wal_format.h"
#include "storage/write_batch.h"

namespace quarry::storage {
namespace {

Manifest SampleManifest() {
  Manifest m;
  m.config_json = R"({"embedder":{"type":"lexical"}})";
  m.embedder_fingerprint = "lexical-v1-1024";
  m.dimensions = 1024;
  m.generation = 42;
  m.last_lsn = 1234;
  m.next_segment_id = 5;
  m.state_digest = "0123456789abcdef0123456789abcdef";
  m.segments.push_back({.id = 1, .rows = 100, .documents = 10, .deleted_documents = {2, 7}});
  m.segments.push_back({.id = 4, .rows = 3, .documents = 1, .deleted_documents = {}});
  return m;
}

TEST(ManifestTest, RoundTripsAndRefusesEveryTruncationAndBitFlip) {
  const std::string bytes = EncodeManifest(SampleManifest());
  auto m = DecodeManifest(bytes);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->last_lsn, 1234u);
  ASSERT_EQ(m->segments.size(), 2u);
  EXPECT_EQ(m->segments[0].deleted_documents, (std::vector<uint32_t>{2, 7}));
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeManifest(bytes.substr(0, n)).ok()) << "truncated to " << n;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(DecodeManifest(bad).ok()) << "flip at " << i;
  }
}

TEST(ManifestTest, RoundTripsTheStateDigestAndReadsVersion1WithoutIt) {
  auto m = DecodeManifest(EncodeManifest(SampleManifest()));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->state_digest, "0123456789abcdef0123456789abcdef");

  // A version 1 body: the same fields without the digest.
  Encoder e;
  e.PutString(R"({"embedder":{"type":"lexical"}})");
  e.PutString("lexical-v1-1024");
  e.PutU32(1024);
  e.PutU64(7);  // generation
  e.PutU64(9);  // last_lsn
  e.PutU64(1);  // next_segment_id
  e.PutU32(0);  // no segments
  auto v1 = DecodeManifest(EncodeChecksummedFile(kManifestMagic, 1, e.buffer()));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->generation, 7u);
  EXPECT_TRUE(v1->state_digest.empty());

  Manifest long_digest = SampleManifest();
  long_digest.state_digest.assign(kMaxStateDigestBytes + 1, 'a');
  EXPECT_FALSE(DecodeManifest(EncodeManifest(long_digest)).ok());
}

TEST(ManifestTest, RefusesInconsistentEntriesEvenWithValidChecksums) {
  Manifest dup = SampleManifest();
  dup.segments[1].id = 1;
  EXPECT_FALSE(DecodeManifest(EncodeManifest(dup)).ok());
  Manifest beyond = SampleManifest();
  beyond.segments[1].id = 9;  // not below next_segment_id
  EXPECT_FALSE(DecodeManifest(EncodeManifest(beyond)).ok());
  Manifest unsorted = SampleManifest();
  unsorted.segments[0].deleted_documents = {7, 2};
  EXPECT_FALSE(DecodeManifest(EncodeManifest(unsorted)).ok());
  Manifest out_of_range = SampleManifest();
  out_of_range.segments[0].deleted_documents = {10};
  EXPECT_FALSE(DecodeManifest(EncodeManifest(out_of_range)).ok());
}

StoredDocument Doc(const std::string& id, const std::string& text, int chunks) {
  StoredDocument d;
  d.id = id;
  d.title = "Title of " + id;
  d.media_type = "text/plain";
  d.metadata_json = "{}";
  d.content_hash = "hash-" + id;
  d.text = text;
  const uint32_t step = chunks > 0 ? static_cast<uint32_t>(text.size()) / chunks : 0;
  for (int c = 0; c < chunks; ++c) {
    StoredChunk ch;
    ch.byte_begin = ch.char_begin = c * step;
    ch.byte_end = ch.char_end = (c + 1) * step;
    ch.tokens = 3;
    ch.heading = "H" + std::to_string(c);
    ch.page = static_cast<uint32_t>(c % 2 == 0 ? c + 1 : 0);  // some chunks without a page
    d.chunks.push_back(ch);
  }
  return d;
}

TEST(WriteBatchTest, RoundTripsAndRefusesTruncationsAndWrongDimensions) {
  WriteBatch b;
  b.generation = 7;
  b.dimensions = 4;
  b.removed = {"old"};
  b.added.push_back({Doc("a", "alpha beta gamma", 2), {1, 0, 0, 0, 0, 1, 0, 0}});
  const std::string bytes = EncodeWriteBatch(b);
  auto back = DecodeWriteBatch(bytes, 4);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->removed, b.removed);
  ASSERT_EQ(back->added.size(), 1u);
  EXPECT_EQ(back->added[0].doc.text, "alpha beta gamma");
  EXPECT_EQ(back->added[0].vectors, b.added[0].vectors);
  EXPECT_FALSE(DecodeWriteBatch(bytes, 8).ok());
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeWriteBatch(bytes.substr(0, n), 4).ok()) << "truncated to " << n;
  }
  WriteBatch nan = b;
  nan.added[0].vectors[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(DecodeWriteBatch(EncodeWriteBatch(nan), 4).ok());
}

TEST(DocumentCodecTest, KeepsEachChunksPage) {
  const StoredDocument doc = Doc("a", "one two three four", 3);
  Encoder e;
  EncodeDocument(doc, &e);
  Decoder d(e.buffer());
  StoredDocument back;
  ASSERT_TRUE(DecodeDocument(&d, &back).ok());
  ASSERT_EQ(back.chunks.size(), 3u);
  EXPECT_EQ(back.chunks[0].page, 1u);
  EXPECT_EQ(back.chunks[1].page, 0u);
  EXPECT_EQ(back.chunks[2].page, 3u);
  EXPECT_EQ(d.remaining(), 0u);
}

// Layout 1 as the code before pages wrote it, spelled out field by field, so
// that this test does not depend on the layout 1 path of EncodeDocument.
TEST(DocumentCodecTest, ReadsLayout1WithoutPages) {
  Encoder e;
  for (const char* s : {"old", "Old title", "old.txt", "text/plain", "{}", "h", "hello world"}) {
    e.PutString(s);
  }
  e.PutU32(2);  // chunks
  for (uint32_t c = 0; c < 2; ++c) {
    for (uint32_t v : {c * 6, c * 6 + 5, c * 6, c * 6 + 5, 2u}) e.PutU32(v);
    e.PutString(c == 0 ? "Intro" : "");
  }
  Decoder d(e.buffer());
  StoredDocument doc;
  ASSERT_TRUE(DecodeDocument(&d, &doc, DocumentLayout::kV1).ok());
  EXPECT_EQ(d.remaining(), 0u);
  EXPECT_EQ(doc.text, "hello world");
  ASSERT_EQ(doc.chunks.size(), 2u);
  EXPECT_EQ(doc.chunks[0].heading, "Intro");
  EXPECT_EQ(doc.chunks[1].byte_begin, 6u);
  EXPECT_EQ(doc.chunks[0].page, 0u);
  EXPECT_EQ(doc.chunks[1].page, 0u);
  // The layout 1 encoder writes exactly these bytes (pages dropped).
  Encoder again;
  EncodeDocument(doc, &again, DocumentLayout::kV1);
  EXPECT_EQ(again.buffer(), e.buffer());
  // Read as layout 2 the same bytes are refused, not misread.
  Decoder d2(e.buffer());
  StoredDocument wrong;
  EXPECT_FALSE(DecodeDocument(&d2, &wrong).ok());
}

TEST(WriteBatchTest, KeepsPagesAndReadsLayout1Records) {
  WriteBatch b;
  b.generation = 3;
  b.dimensions = 2;
  b.added.push_back({Doc("p", "page one page two", 2), {1, 0, 0, 1}});
  auto v2 = DecodeWriteBatch(EncodeWriteBatch(b), 2);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->added[0].doc.chunks[0].page, 1u);
  const std::string v1_bytes = EncodeWriteBatch(b, DocumentLayout::kV1);
  auto v1 = DecodeWriteBatch(v1_bytes, 2, DocumentLayout::kV1);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->added[0].doc.text, "page one page two");
  EXPECT_EQ(v1->added[0].doc.chunks[0].page, 0u);
  EXPECT_EQ(v1->added[0].vectors, b.added[0].vectors);
  EXPECT_EQ(WriteBatchDocumentLayout(WalRecordType::kWriteBatchV1), 1u);
  EXPECT_EQ(WriteBatchDocumentLayout(WalRecordType::kWriteBatch),
            static_cast<uint32_t>(kCurrentDocumentLayout));
}

class ChunkStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewPosixEnv();
    // Enough text to span several 64 KiB blocks, plus an empty document.
    for (int i = 0; i < 300; ++i) {
      docs_.push_back(Doc("doc-" + std::to_string(i), std::string(700 + i, 'a' + i % 26), 1 + i % 3));
    }
    docs_.push_back(Doc("empty", "", 0));
    ASSERT_TRUE(WriteChunkStore(*env_, tmp_.path(), docs_).ok());
  }
  testing::TempDir tmp_;
  std::shared_ptr<Env> env_;
  std::vector<StoredDocument> docs_;
};

TEST(ChunkStoreWriterTest, WritesNoDocumentsAndDocumentsLargerThanABlock) {
  auto env = NewPosixEnv();
  testing::TempDir empty;
  {
    auto writer = ChunkStoreWriter::Create(*env, empty.path());
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->Finish().ok());
  }
  auto none = ChunkStore::Open(*env, empty.path(), /*resident=*/false);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ((*none)->entries().size(), 0u);
  EXPECT_EQ((*none)->rows(), 0u);

  // Each block is written as soon as it fills: a small document, one of
  // 3 blocks' worth on its own, then small ones again.
  testing::TempDir dir;
  std::vector<StoredDocument> docs = {Doc("small", "x", 1),
                                      Doc("big", std::string(3 * kChunkStoreBlockBytes, 'b'), 2),
                                      Doc("after", "y", 1), Doc("last", "z", 1)};
  {
    auto writer = ChunkStoreWriter::Create(*env, dir.path());
    ASSERT_TRUE(writer.ok());
    for (const StoredDocument& d : docs) ASSERT_TRUE(writer->Add(d).ok());
    ASSERT_TRUE(writer->Finish().ok());
  }
  auto store = ChunkStore::Open(*env, dir.path(), /*resident=*/false);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_EQ((*store)->entries().size(), docs.size());
  EXPECT_EQ((*store)->rows(), 5u);
  for (size_t i = 0; i < docs.size(); ++i) {
    auto d = (*store)->Read(i);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->id, docs[i].id);
    EXPECT_EQ(d->text, docs[i].text);
    EXPECT_EQ((*store)->entries()[i].first_row, i == 0 ? 0u : i == 1 ? 1u : i + 1);
  }
}

TEST_F(ChunkStoreTest, ReadsBackEveryDocumentResidentOrOnDisk) {
  for (bool resident : {true, false}) {
    auto store = ChunkStore::Open(*env_, tmp_.path(), resident);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_EQ((*store)->entries().size(), docs_.size());
    uint32_t row = 0;
    for (size_t i = 0; i < docs_.size(); ++i) {
      auto d = (*store)->Read(i);
      ASSERT_TRUE(d.ok());
      EXPECT_EQ(d->id, docs_[i].id);
      EXPECT_EQ(d->text, docs_[i].text);
      EXPECT_EQ(d->chunks.size(), docs_[i].chunks.size());
      for (size_t c = 0; c < docs_[i].chunks.size(); ++c, ++row) {
        EXPECT_EQ((*store)->OrdinalOfRow(row), i);
        EXPECT_EQ(d->chunks[c].page, docs_[i].chunks[c].page);
      }
    }
    EXPECT_EQ((*store)->rows(), row);
  }
}

TEST_F(ChunkStoreTest, DamageIsReportedAtOpenOrFirstReadNeverServed) {
  const std::string dat = tmp_.Sub(kChunkStoreDataFile);
  const std::string idx = tmp_.Sub(kChunkStoreIndexFile);
  auto data = ReadFileToString(*env_, dat, 1 << 30);
  auto index = ReadFileToString(*env_, idx, 1 << 30);
  ASSERT_TRUE(data.ok() && index.ok());
  // Index: any flip or truncation is refused at open.
  for (size_t i = 0; i < index->size(); i += 7) {
    std::string bad = *index;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    ASSERT_TRUE(WriteFileAtomically(*env_, idx, bad).ok());
    EXPECT_FALSE(ChunkStore::Open(*env_, tmp_.path(), false).ok()) << "index flip at " << i;
  }
  ASSERT_TRUE(WriteFileAtomically(*env_, idx, *index).ok());
  // Data: a flip is refused at open (resident) or at the read of its block.
  for (size_t i = 0; i < data->size(); i += data->size() / 50) {
    std::string bad = *data;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    ASSERT_TRUE(WriteFileAtomically(*env_, dat, bad).ok());
    EXPECT_FALSE(ChunkStore::Open(*env_, tmp_.path(), true).ok()) << "data flip at " << i;
    auto mapped = ChunkStore::Open(*env_, tmp_.path(), false);
    ASSERT_TRUE(mapped.ok());
    bool failed = false;
    for (size_t d = 0; d < docs_.size() && !failed; ++d) failed = !(*mapped)->Read(d).ok();
    EXPECT_TRUE(failed) << "data flip at " << i << " was served";
  }
  ASSERT_TRUE(WriteFileAtomically(*env_, dat, data->substr(0, data->size() - 1)).ok());
  EXPECT_FALSE(ChunkStore::Open(*env_, tmp_.path(), false).ok());
}

// Blocks are copied out of documents.dat with pread: a file cut short under
// an open store fails the reads of the blocks it lost, with an error naming
// the block, instead of a SIGBUS; the blocks still there read as before.
TEST_F(ChunkStoreTest, ADataFileCutShortUnderAnOpenStoreFailsReadsWithoutACrash) {
  auto store = ChunkStore::Open(*env_, tmp_.path(), /*resident=*/false);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto first = (*store)->Read(0);
  ASSERT_TRUE(first.ok());
  const std::string dat = tmp_.Sub(kChunkStoreDataFile);
  auto size = env_->FileSize(dat);
  ASSERT_TRUE(size.ok());
  ASSERT_TRUE(env_->TruncateFile(dat, *size / 2).ok());
  auto again = (*store)->Read(0);  // the first block is still whole
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->text, first->text);
  auto lost = (*store)->Read(docs_.size() - 1);
  EXPECT_EQ(lost.status().code(), StatusCode::kIOError) << lost.status().ToString();
  EXPECT_NE(lost.status().message().find("documents.dat block"), std::string::npos)
      << lost.status().ToString();
  EXPECT_NE(lost.status().message().find("short read"), std::string::npos)
      << lost.status().ToString();
}

// A sequential reader gives the same documents as Read, in order or not,
// without touching the store's block cache; a damaged block fails its read
// and the reader goes on with the next block.
TEST_F(ChunkStoreTest, SequentialReaderBypassesTheCacheAndMatchesRead) {
  auto cache = std::make_shared<BlockCache>();
  auto store = ChunkStore::Open(*env_, tmp_.path(), false, cache);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ChunkStore::SequentialReader reader(**store);
  std::vector<size_t> order(docs_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // In order, then backwards (a block decoded again on every jump).
  std::vector<size_t> backwards(order.rbegin(), order.rend());
  for (const auto& pass : {order, backwards}) {
    for (size_t i : pass) {
      auto d = reader.Read(i);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      EXPECT_EQ(d->id, docs_[i].id);
      EXPECT_EQ(d->text, docs_[i].text);
      EXPECT_EQ(d->content_hash, docs_[i].content_hash);
      EXPECT_EQ(d->chunks.size(), docs_[i].chunks.size());
    }
  }
  EXPECT_EQ(cache->bytes(), 0u);
  EXPECT_EQ(cache->hits() + cache->misses(), 0u);
  // Resident stores read from RAM.
  auto resident = ChunkStore::Open(*env_, tmp_.path(), true);
  ASSERT_TRUE(resident.ok());
  ChunkStore::SequentialReader from_ram(**resident);
  auto last = from_ram.Read(docs_.size() - 1);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->id, docs_.back().id);
}

TEST_F(ChunkStoreTest, SequentialReaderRefusesADamagedBlockAndGoesOn) {
  const std::string dat = tmp_.path() + "/" + kChunkStoreDataFile;
  auto data = ReadFileToString(*env_, dat, 1 << 30);
  ASSERT_TRUE(data.ok());
  std::string bad = *data;
  bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x10);
  ASSERT_TRUE(WriteFileAtomically(*env_, dat, bad).ok());
  auto store = ChunkStore::Open(*env_, tmp_.path(), false);
  ASSERT_TRUE(store.ok());
  ChunkStore::SequentialReader reader(**store);
  size_t failed = 0, read = 0;
  for (size_t i = 0; i < docs_.size(); ++i) {
    auto d = reader.Read(i);
    if (!d.ok()) {
      EXPECT_EQ(d.status().code(), StatusCode::kCorruption) << d.status().ToString();
      ++failed;
      continue;
    }
    EXPECT_EQ(d->text, docs_[i].text);
    ++read;
  }
  EXPECT_GT(failed, 0u);
  EXPECT_GT(read, 0u);
}

// Reads through a decoded-block cache give the same documents; a second
// read in a block is served by the cache; the cache stays within its bound;
// a dying store takes its blocks with it.
TEST_F(ChunkStoreTest, ReadsThroughTheBlockCacheAreTheSameAndBounded) {
  // Each shard holds at most capacity / 16: room for a single ~64 KiB block.
  auto cache = std::make_shared<BlockCache>(16 * 96 * 1024);
  {
    auto store = ChunkStore::Open(*env_, tmp_.path(), false, cache);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t i = 0; i < docs_.size(); ++i) {
        auto d = (*store)->Read(i);
        ASSERT_TRUE(d.ok()) << d.status().ToString();
        EXPECT_EQ(d->id, docs_[i].id);
        EXPECT_EQ(d->title, docs_[i].title);
        EXPECT_EQ(d->text, docs_[i].text);
        EXPECT_EQ(d->content_hash, docs_[i].content_hash);
        ASSERT_EQ(d->chunks.size(), docs_[i].chunks.size());
        for (size_t c = 0; c < d->chunks.size(); ++c) {
          EXPECT_EQ(d->chunks[c].byte_begin, docs_[i].chunks[c].byte_begin);
          EXPECT_EQ(d->chunks[c].heading, docs_[i].chunks[c].heading);
        }
        EXPECT_LE(cache->bytes(), cache->capacity_bytes());
      }
    }
    // Documents are read in order, so all but the first read of each block
    // hit the cache.
    EXPECT_GT(cache->hits(), docs_.size());
    EXPECT_GT(cache->misses(), 0u);
    EXPECT_GT(cache->bytes(), 0u);
    // A second store of the same files has its own entries.
    auto other = ChunkStore::Open(*env_, tmp_.path(), false, cache);
    ASSERT_TRUE(other.ok());
    const uint64_t misses = cache->misses();
    ASSERT_TRUE((*other)->Read(0).ok());
    EXPECT_EQ(cache->misses(), misses + 1);
  }
  EXPECT_EQ(cache->bytes(), 0u);
  // A resident store never uses the cache.
  auto resident = ChunkStore::Open(*env_, tmp_.path(), true, cache);
  ASSERT_TRUE(resident.ok());
  ASSERT_TRUE((*resident)->Read(3).ok());
  EXPECT_EQ(cache->bytes(), 0u);
}

TEST_F(ChunkStoreTest, ADamagedBlockIsNeverCachedNorServed) {
  const std::string dat = tmp_.Sub(kChunkStoreDataFile);
  auto data = ReadFileToString(*env_, dat, 1 << 30);
  ASSERT_TRUE(data.ok());
  std::string bad = *data;
  bad[10] = static_cast<char>(bad[10] ^ 0x10);  // inside the first block
  ASSERT_TRUE(WriteFileAtomically(*env_, dat, bad).ok());
  auto cache = std::make_shared<BlockCache>();
  auto store = ChunkStore::Open(*env_, tmp_.path(), false, cache);
  ASSERT_TRUE(store.ok());
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto d = (*store)->Read(0);
    EXPECT_EQ(d.status().code(), StatusCode::kCorruption) << d.status().ToString();
    EXPECT_NE(d.status().message().find("block 0: checksum mismatch"), std::string::npos)
        << d.status().ToString();
  }
  EXPECT_EQ(cache->hits(), 0u);
  EXPECT_EQ(cache->bytes(), 0u);
  // The last document lives in another block, which reads fine.
  auto last = (*store)->Read(docs_.size() - 1);
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(last->id, "empty");
}

TEST_F(ChunkStoreTest, ConcurrentReadersShareTheCache) {
  auto cache = std::make_shared<BlockCache>(16 * 96 * 1024);
  auto store = ChunkStore::Open(*env_, tmp_.path(), false, cache);
  ASSERT_TRUE(store.ok());
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 400; ++n) {
        const size_t i = (n * 37 + t * 11) % docs_.size();
        auto d = (*store)->Read(i);
        if (!d.ok() || d->id != docs_[i].id || d->text != docs_[i].text) ++wrong;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(cache->bytes(), cache->capacity_bytes());
}

TEST_F(ChunkStoreTest, AVersion1StoreStillOpensWithoutPages) {
  testing::TempDir old_dir;
  ASSERT_TRUE(WriteChunkStore(*env_, old_dir.path(), docs_, 3, 1).ok());
  auto idx = ReadFileToString(*env_, old_dir.Sub(kChunkStoreIndexFile), 1 << 20);
  ASSERT_TRUE(idx.ok());
  uint32_t version = 0;
  Decoder header(std::string_view(*idx).substr(8, 4));
  ASSERT_TRUE(header.GetU32(&version));
  EXPECT_EQ(version, 1u);  // the envelope's version
  for (bool resident : {true, false}) {
    auto store = ChunkStore::Open(*env_, old_dir.path(), resident);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (size_t i = 0; i < docs_.size(); ++i) {
      auto d = (*store)->Read(i);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      EXPECT_EQ(d->text, docs_[i].text);
      ASSERT_EQ(d->chunks.size(), docs_[i].chunks.size());
      for (const StoredChunk& c : d->chunks) EXPECT_EQ(c.page, 0u);
    }
  }
  EXPECT_FALSE(WriteChunkStore(*env_, old_dir.path(), docs_, 3, kChunkStoreVersion + 1).ok());
}

}  // namespace
}  // namespace quarry::storage
