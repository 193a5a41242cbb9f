// Chunks keep the page they came from (PDF), through the log, sealing,
// merging and restarts; and a collection written before pages were stored
// (write-ahead log version 1, chunk store version 1) opens and keeps working.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/testing/temp_dir.h"
#include "engine/collection_impl.h"
#include "engine/engine_impl.h"
#include "storage/chunk_store.h"
#include "storage/wal_files.h"
#include "storage/write_batch.h"

namespace quarry::engine {
namespace {

CollectionConfig TestConfig() {
  CollectionConfig config;
  config.embedder.dimensions = 64;
  config.chunking.target_tokens = 16;
  config.storage.seal_rows = 100000;  // seals only when the test says so
  return config;
}

// Three pages of distinct words; `word` is on page 2 only.
DocumentInput PagedDoc(const std::string& id, const std::string& word) {
  DocumentInput d;
  d.id = id;
  d.title = "Report " + id;
  d.media_type = kMediaTypePdf;
  const std::string pages[] = {
      "The first page opens the report with an overview of harbours and ships. It has "
      "a second sentence about tides.",
      "The second page describes the " + word + " found in the northern quarry. Miners "
      "cut it into blocks for the cathedral.",
      "The third page closes with the accounts of the year and a list of names. Nothing "
      "else is written there."};
  for (uint32_t p = 0; p < 3; ++p) {
    if (p > 0) d.text += "\n\n";
    DocumentSection s;
    s.byte_begin = static_cast<uint32_t>(d.text.size());
    d.text += pages[p];
    s.byte_end = static_cast<uint32_t>(d.text.size());
    s.page = p + 1;
    d.sections.push_back(s);
  }
  return d;
}

std::shared_ptr<CollectionImpl> AsImpl(const std::shared_ptr<Collection>& c) {
  return std::dynamic_pointer_cast<CollectionImpl>(c);
}

// The page of the best keyword hit for `word`, or -1 when nothing matches or
// the best hit is another document.
int PageOf(Collection& c, const std::string& word, const std::string& id) {
  auto r = c.Search({.query = word, .k = 3, .mode = SearchMode::kKeyword});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok() || r->hits.empty() || r->hits[0].document_id != id) return -1;
  return static_cast<int>(r->hits[0].page);
}

TEST(PagesTest, APageTwoMatchSaysPageTwoInMemorySealedAndAfterRestarts) {
  testing::TempDir dir;
  {
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    ASSERT_TRUE(engine.ok());
    auto c = (*engine)->CreateCollection("c", TestConfig());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->Upsert({PagedDoc("r1", "granite")}).ok());
    EXPECT_EQ(PageOf(**c, "granite", "r1"), 2);
    EXPECT_EQ(PageOf(**c, "tides", "r1"), 1);
    auto info = (*c)->GetDocument("r1");
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->pages, (std::vector<uint32_t>{1, 2, 3}));
    DocumentInput plain;
    plain.id = "plain";
    plain.text = "A plain note about basalt, which has no pages at all.";
    ASSERT_TRUE((*c)->Upsert({plain}).ok());
    EXPECT_EQ(PageOf(**c, "basalt", "plain"), 0);
    EXPECT_TRUE((*c)->GetDocument("plain")->pages.empty());
  }
  for (int round = 0; round < 2; ++round) {  // from the log, then from a sealed segment
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    auto c = (*engine)->GetCollection("c");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(PageOf(**c, "granite", "r1"), 2) << "round " << round;
    EXPECT_EQ(PageOf(**c, "basalt", "plain"), 0) << "round " << round;
    if (round == 0) {
      ASSERT_TRUE(AsImpl(*c)->Flush().ok());
      EXPECT_EQ(PageOf(**c, "granite", "r1"), 2);
      EXPECT_EQ((*c)->GetDocument("r1")->pages, (std::vector<uint32_t>{1, 2, 3}));
    }
  }
}

// Rewrites every log file and sealed segment of the collection in the
// formats of before pages (WAL version 1 with kWriteBatchV1 records, chunk
// store version 1), with the layout 1 encoders kept for this purpose.
void DowngradeToVersion1(Env& env, const std::string& collection_dir, uint32_t dimensions) {
  const std::string wal_dir = collection_dir + "/wal";
  auto files = storage::ListWalFiles(env, wal_dir);
  ASSERT_TRUE(files.ok());
  ASSERT_FALSE(files->empty());
  for (const storage::WalFile& f : *files) {
    auto bytes = ReadFileToString(env, f.path, 1ull << 30);
    ASSERT_TRUE(bytes.ok());
    std::string old = storage::EncodeWalFileHeader(f.first_lsn, 1);
    size_t offset = storage::kWalFileHeaderSize;
    while (offset < bytes->size()) {
      auto r = storage::DecodeWalRecord(std::string_view(*bytes).substr(offset));
      ASSERT_TRUE(r.has_value());
      ASSERT_EQ(r->type, storage::WalRecordType::kWriteBatch);
      auto batch = storage::DecodeWriteBatch(r->payload, dimensions);
      ASSERT_TRUE(batch.ok());
      storage::EncodeWalRecord(
          r->lsn, storage::WalRecordType::kWriteBatchV1,
          storage::EncodeWriteBatch(*batch, storage::DocumentLayout::kV1), &old);
      offset += r->encoded_size;
    }
    auto out = env.NewWritableFile(f.path, OpenMode::kTruncate);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Append(old).ok());
    ASSERT_TRUE((*out)->Close().ok());
  }
  int segments = 0;
  for (const auto& entry : std::filesystem::directory_iterator(collection_dir + "/segments")) {
    auto store = storage::ChunkStore::Open(env, entry.path().string(), true);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<storage::StoredDocument> docs;
    for (size_t i = 0; i < (*store)->entries().size(); ++i) {
      auto d = (*store)->Read(i);
      ASSERT_TRUE(d.ok());
      docs.push_back(*d);
    }
    store->reset();
    ASSERT_TRUE(storage::WriteChunkStore(env, entry.path().string(), docs, 3, 1).ok());
    ++segments;
  }
  ASSERT_GT(segments, 0);
}

TEST(PagesTest, ACollectionWrittenBeforePagesOpensAndKeepsWorking) {
  testing::TempDir dir;
  std::shared_ptr<Env> env = NewPosixEnv();
  {
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, env);
    ASSERT_TRUE(engine.ok());
    auto c = (*engine)->CreateCollection("c", TestConfig());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->Upsert({PagedDoc("sealed", "granite")}).ok());
    ASSERT_TRUE(AsImpl(*c)->Flush().ok());
    ASSERT_TRUE((*c)->Upsert({PagedDoc("logged", "marble")}).ok());
  }
  const std::string collection_dir = dir.path() + "/collections/c";
  ASSERT_TRUE(std::filesystem::is_directory(collection_dir));
  DowngradeToVersion1(*env, collection_dir, 64);
  {
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, env);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    auto c = (*engine)->GetCollection("c");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    // Old chunks have no page; everything else is as it was.
    EXPECT_EQ(PageOf(**c, "granite", "sealed"), 0);
    EXPECT_EQ(PageOf(**c, "marble", "logged"), 0);
    EXPECT_TRUE((*c)->GetDocument("sealed")->pages.empty());
    EXPECT_EQ((*c)->Info().documents, 2u);
    // New writes keep their pages, beside the old segment and log.
    ASSERT_TRUE((*c)->Upsert({PagedDoc("new", "slate")}).ok());
    EXPECT_EQ(PageOf(**c, "slate", "new"), 2);
  }
  {
    // The log now holds a version 1 file followed by a version 2 file.
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, env);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    auto c = (*engine)->GetCollection("c");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(PageOf(**c, "slate", "new"), 2);
    EXPECT_EQ(PageOf(**c, "marble", "logged"), 0);
    // Sealing and merging rewrite everything in the current version.
    ASSERT_TRUE(AsImpl(*c)->Flush().ok());
    ASSERT_TRUE(AsImpl(*c)->Compact().ok());
    EXPECT_EQ(PageOf(**c, "slate", "new"), 2);
    EXPECT_EQ(PageOf(**c, "granite", "sealed"), 0);
    EXPECT_EQ((*c)->Info().documents, 3u);
  }
  auto engine = EngineImpl::Open({.data_dir = dir.path()}, env);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto c = (*engine)->GetCollection("c");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(PageOf(**c, "slate", "new"), 2);
  EXPECT_EQ(PageOf(**c, "marble", "logged"), 0);
}

}  // namespace
}  // namespace quarry::engine
