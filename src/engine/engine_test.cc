#include "quarry/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/testing/temp_dir.h"

namespace quarry {
namespace {

namespace fs = std::filesystem;

CollectionConfig SmallConfig() {
  CollectionConfig config;
  config.embedder.dimensions = 256;
  config.chunking.target_tokens = 32;
  return config;
}

std::vector<DocumentInput> SampleDocs() {
  std::vector<DocumentInput> docs(3);
  docs[0].id = "wal";
  docs[0].title = "Write-ahead log";
  docs[0].text =
      "A write-ahead log records every change before it is applied. After a crash, replaying "
      "the log restores every acknowledged write.";
  docs[1].id = "hnsw";
  docs[1].title = "HNSW";
  docs[1].text =
      "Hierarchical navigable small world graphs answer approximate nearest neighbour queries "
      "over vectors quickly.";
  docs[2].id = "bread";
  docs[2].title = "Bread";
  docs[2].media_type = kMediaTypeMarkdown;
  docs[2].text = "# Baking\n\nKnead the dough, let it rise, and bake the bread in a hot oven.";
  docs[2].metadata_json = R"({"kind": "recipe", "minutes": 45})";
  return docs;
}

std::string TopDocument(const Collection& c, const std::string& query) {
  auto r = c.Search({.query = query, .k = 3});
  if (!r.ok() || r->hits.empty()) return "";
  return r->hits[0].document_id;
}

TEST(EngineTest, IngestSearchAndSurviveRestart) {
  testing::TempDir dir;
  {
    auto engine = Engine::Open({.data_dir = dir.path()});
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    auto c = (*engine)->CreateCollection("notes", SmallConfig());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    auto summary = (*c)->Upsert(SampleDocs());
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->documents, 3u);
    EXPECT_EQ(summary->generation, 1u);
    EXPECT_GE(summary->chunks, 3u);

    EXPECT_EQ(TopDocument(**c, "crash recovery replaying the log"), "wal");
    EXPECT_EQ(TopDocument(**c, "nearest neighbour vectors"), "hnsw");
    EXPECT_EQ(TopDocument(**c, "bake bread"), "bread");

    // Vector mode: the score is the cosine similarity.
    auto r = (*c)->Search({.query = "bake bread", .k = 1, .mode = SearchMode::kVector});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->hits.size(), 1u);
    const SearchHit& hit = r->hits[0];
    EXPECT_EQ(hit.title, "Bread");
    EXPECT_EQ(hit.heading, "Baking");
    EXPECT_GT(hit.score, 0.1f);
    EXPECT_LE(hit.score, 1.0001f);
    EXPECT_NE(hit.text.find("bake the bread"), std::string::npos);
    EXPECT_LT(hit.start, hit.end);
  }
  // A new engine on the same directory sees the same collection and answers.
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto list = (*engine)->ListCollections();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "notes");
  EXPECT_EQ(list[0].documents, 3u);
  EXPECT_EQ(list[0].generation, 1u);
  EXPECT_EQ(list[0].config.embedder.dimensions, 256u);
  auto c = (*engine)->GetCollection("notes");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(TopDocument(**c, "crash recovery replaying the log"), "wal");
  auto doc = (*c)->GetDocument("bread");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->media_type, kMediaTypeMarkdown);
  EXPECT_NE(doc->metadata_json.find("\"minutes\":45"), std::string::npos);
}

TEST(EngineTest, SemanticCollectionChunksAtTheTopicChangePersistsAndSearches) {
  testing::TempDir dir;
  CollectionConfig config = SmallConfig();
  config.chunking.target_tokens = 64;
  config.chunking.strategy = ChunkingStrategy::kSemantic;
  config.chunking.breakpoint_percentile = 90;
  const std::string tides =
      "Ocean tides rise and fall twice a day. The moon pulls the ocean water toward it, and "
      "the tides follow the moon. Spring tides come when the sun and the moon pull the ocean "
      "together. Neap tides are weaker ocean tides, when the sun and moon pull apart. ";
  const std::string chess =
      "A chess opening develops the knights and bishops early. Chess players castle the king "
      "to keep the king safe. In the chess endgame the king becomes a strong piece. A pawn "
      "that reaches the last rank of the chess board becomes a queen.";
  DocumentInput doc;
  doc.id = "glued";
  doc.text = tides + chess;
  const auto check = [&](const Collection& c) {
    auto r = c.Search({.query = "chess king castle", .k = 5, .mode = SearchMode::kVector});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_FALSE(r->hits.empty());
    // The chess chunk begins where the chess text does and holds no tides.
    EXPECT_EQ(r->hits[0].start, tides.size());
    EXPECT_EQ(r->hits[0].text.find("tides"), std::string::npos);
    EXPECT_EQ(r->hits[0].text.find("ocean"), std::string::npos);
  };
  {
    auto engine = Engine::Open({.data_dir = dir.path()});
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    auto c = (*engine)->CreateCollection("semantic", config);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    auto summary = (*c)->Upsert({doc});
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    // The whole text (about 80 words) is within the lexical embedder's cap:
    // only the topic change cuts it.
    EXPECT_EQ(summary->chunks, 2u);
    check(**c);
  }
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto c = (*engine)->GetCollection("semantic");
  ASSERT_TRUE(c.ok());
  const CollectionInfo info = (*c)->Info();
  EXPECT_EQ(info.config.chunking.strategy, ChunkingStrategy::kSemantic);
  EXPECT_DOUBLE_EQ(info.config.chunking.breakpoint_percentile, 90);
  EXPECT_EQ(info.chunks, 2u);
  check(**c);
  // The same text under the structure strategy is cut by size alone.
  config.chunking.strategy = ChunkingStrategy::kStructure;
  auto structure = (*engine)->CreateCollection("structure", config);
  ASSERT_TRUE(structure.ok());
  auto summary = (*structure)->Upsert({doc});
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->chunks, 2u);
  auto r = (*structure)->Search({.query = "chess king castle", .k = 1});
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->hits.empty());
  EXPECT_NE(r->hits[0].start, tides.size());
}

TEST(EngineTest, UnchangedIsSkippedChangedReplacesDeleteRemoves) {
  testing::TempDir dir;
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok());
  auto c = (*engine)->CreateCollection("notes", SmallConfig());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Upsert(SampleDocs()).ok());

  auto again = (*c)->Upsert(SampleDocs());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 3u);
  EXPECT_EQ(again->documents, 0u);
  EXPECT_EQ(again->generation, 1u);  // nothing written, generation unchanged

  std::vector<DocumentInput> changed(1);
  changed[0].id = "bread";
  changed[0].text = "Sourdough starters need flour, water and patience.";
  auto replaced = (*c)->Upsert(changed);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->documents, 1u);
  EXPECT_EQ(replaced->generation, 2u);
  EXPECT_EQ(TopDocument(**c, "sourdough starter flour"), "bread");
  auto old = (*c)->Search({.query = "knead dough oven", .k = 10});
  ASSERT_TRUE(old.ok());
  for (const SearchHit& h : old->hits) EXPECT_EQ(h.text.find("Knead"), std::string::npos);
  EXPECT_EQ((*c)->Info().documents, 3u);

  ASSERT_TRUE((*c)->DeleteDocument("hnsw").ok());
  EXPECT_EQ((*c)->DeleteDocument("hnsw").code(), StatusCode::kNotFound);
  EXPECT_EQ((*c)->GetDocument("hnsw").status().code(), StatusCode::kNotFound);
  auto after = (*c)->Search({.query = "nearest neighbour vectors", .k = 10});
  ASSERT_TRUE(after.ok());
  for (const SearchHit& h : after->hits) EXPECT_NE(h.document_id, "hnsw");
  EXPECT_EQ((*c)->Info().generation, 3u);

  // The deletion and replacement survive a restart.
  engine->reset();
  engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok());
  c = (*engine)->GetCollection("notes");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->Info().documents, 2u);
  EXPECT_EQ((*c)->GetDocument("hnsw").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(TopDocument(**c, "sourdough starter flour"), "bread");
}

TEST(EngineTest, BadDocumentsAreRefusedAndNothingOfTheBatchIsStored) {
  testing::TempDir dir;
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok());
  auto c = (*engine)->CreateCollection("notes", SmallConfig());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Upsert(SampleDocs()).ok());

  auto batch = SampleDocs();
  for (auto& d : batch) d.text += " changed";
  batch[2].metadata_json = "[1, 2]";  // not an object
  auto r = (*c)->Upsert(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("bread"), std::string::npos) << r.status().message();
  EXPECT_EQ((*c)->Info().generation, 1u);
  auto doc = (*c)->GetDocument("wal");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->text_bytes, SampleDocs()[0].text.size());

  std::vector<DocumentInput> bad(1);
  EXPECT_EQ((*c)->Upsert(bad).status().code(), StatusCode::kInvalidArgument);  // empty id
  bad[0].id = std::string(kMaxDocumentIdBytes + 1, 'x');
  EXPECT_EQ((*c)->Upsert(bad).status().code(), StatusCode::kInvalidArgument);
  bad[0].id = "x";
  bad[0].media_type = "application/x-unknown";
  EXPECT_EQ((*c)->Upsert(bad).status().code(), StatusCode::kInvalidArgument);
  std::vector<DocumentInput> dup(2);
  dup[0].id = dup[1].id = "same";
  EXPECT_EQ((*c)->Upsert(dup).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*c)->Info().documents, 3u);
}

TEST(EngineTest, HostileTextIsStoredSafely) {
  testing::TempDir dir;
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok());
  auto c = (*engine)->CreateCollection("notes", SmallConfig());
  ASSERT_TRUE(c.ok());
  std::vector<DocumentInput> docs(3);
  docs[0].id = "invalid-utf8";
  docs[0].text = std::string("caf\xC3 \xFF\xFE ok \xED\xA0\x80 end");
  docs[1].id = "empty";
  docs[1].text = "";
  docs[2].id = "no-punctuation";
  for (int i = 0; i < 3000; ++i) docs[2].text += "token" + std::to_string(i) + " ";
  auto r = (*c)->Upsert(docs);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*c)->GetDocument("empty")->chunk_count, 0u);
  EXPECT_GT((*c)->GetDocument("no-punctuation")->chunk_count, 3000u / 512u);
  auto hits = (*c)->Search({.query = "token2999", .k = 1});
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->hits.size(), 1u);
  EXPECT_EQ(hits->hits[0].document_id, "no-punctuation");
}

// Extracted documents: their sections decide the chunks and their headings,
// they count in the content hash, and bad ones are refused.
TEST(EngineTest, GivenSectionsBoundChunksAndAreChecked) {
  testing::TempDir dir;
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok());
  auto c = (*engine)->CreateCollection("pages", SmallConfig());
  ASSERT_TRUE(c.ok());
  std::vector<DocumentInput> docs(1);
  DocumentInput& page = docs[0];
  page.id = "page.html";
  page.media_type = kMediaTypeHtml;
  // Each section is over a quarter of the 32-token target: none is tiny.
  const std::string kettle = "Kettle\n\nBoil the water in the kettle until it whistles loudly.";
  page.text = kettle + "\n\nTeapot\n\nWarm the pot first with a splash of hot water.";
  const auto split = static_cast<uint32_t>(kettle.size());
  page.sections = {{0, split, "Kettle", 0},
                   {split + 2, static_cast<uint32_t>(page.text.size()), "Teapot", 0}};
  ASSERT_TRUE((*c)->Upsert(docs).ok());
  auto hits = (*c)->Search({.query = "warm pot", .k = 1, .mode = SearchMode::kKeyword});
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->hits.size(), 1u);
  EXPECT_EQ(hits->hits[0].heading, "Teapot");
  EXPECT_EQ((*c)->GetDocument("page.html")->media_type, kMediaTypeHtml);

  docs[0].sections[1].heading_path = "Pot";  // same text, other sections: not unchanged
  auto again = (*c)->Upsert(docs);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->documents, 1u);

  std::vector<DocumentInput> bad = docs;
  bad[0].sections = {{0, 999, "", 0}};
  EXPECT_EQ((*c)->Upsert(bad).status().code(), StatusCode::kInvalidArgument);
  bad = docs;
  bad[0].text[1] = '\xFF';  // sections point into text that would be repaired
  EXPECT_EQ((*c)->Upsert(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST(EngineTest, SearchValidation) {
  testing::TempDir dir;
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok());
  auto c = (*engine)->CreateCollection("notes", SmallConfig());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->Search({.query = "", .k = 10}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*c)->Search({.query = "   ", .k = 10}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ((*c)->Search({.query = "x", .k = 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*c)->Search({.query = "x", .k = kMaxK + 1}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ((*c)->Search({.query = std::string(kMaxQueryBytes + 1, 'a'), .k = 1}).status().code(),
            StatusCode::kInvalidArgument);
  auto empty = (*c)->Search({.query = "anything", .k = 10});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->hits.empty());
  ASSERT_TRUE((*c)->Upsert(SampleDocs()).ok());
  auto punctuation_only = (*c)->Search({.query = "?!", .k = 10});
  ASSERT_TRUE(punctuation_only.ok());
  EXPECT_TRUE(punctuation_only->hits.empty());
  auto all = (*c)->Search({.query = "the", .k = kMaxK});
  ASSERT_TRUE(all.ok());
  EXPECT_LE(all->hits.size(), (*c)->Info().chunks);
}

TEST(EngineTest, CollectionsLifecycleAndLock) {
  testing::TempDir dir;
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok());
  EXPECT_EQ(Engine::Open({.data_dir = dir.path()}).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE((*engine)->CreateCollection("a", SmallConfig()).ok());
  EXPECT_EQ((*engine)->CreateCollection("a", SmallConfig()).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ((*engine)->CreateCollection("../evil", SmallConfig()).status().code(),
            StatusCode::kInvalidArgument);
  CollectionConfig too_long = SmallConfig();
  too_long.chunking.max_tokens = 100000;
  EXPECT_EQ((*engine)->CreateCollection("b", too_long).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir.Sub("collections/b")));
  EXPECT_EQ((*engine)->GetCollection("missing").status().code(), StatusCode::kNotFound);

  auto a = (*engine)->GetCollection("a");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE((*engine)->DropCollection("a").ok());
  EXPECT_EQ((*engine)->DropCollection("a").code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir.Sub("collections/a")));
  // A handle held across the drop refuses writes instead of resurrecting files.
  EXPECT_EQ((*a)->Upsert(SampleDocs()).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE((*engine)->ListCollections().empty());
  ASSERT_TRUE((*engine)->CreateCollection("a", SmallConfig()).ok());
}

TEST(EngineTest, CorruptManifestStopsOpenWithAClearError) {
  testing::TempDir dir;
  {
    auto engine = Engine::Open({.data_dir = dir.path()});
    ASSERT_TRUE(engine.ok());
    auto c = (*engine)->CreateCollection("notes", SmallConfig());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->Upsert(SampleDocs()).ok());
  }
  const std::string file = dir.Sub("collections/notes/MANIFEST");
  const auto size = fs::file_size(file);
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    char byte;
    f.read(&byte, 1);
    f.seekp(static_cast<std::streamoff>(size / 2));
    byte = static_cast<char>(byte ^ 0x10);
    f.write(&byte, 1);
  }
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kCorruption);
  EXPECT_NE(engine.status().message().find("notes"), std::string::npos);
  EXPECT_NE(engine.status().message().find("checksum"), std::string::npos);
  fs::resize_file(file, size / 3);
  engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kCorruption);
}

TEST(EngineTest, LeftoversOfInterruptedCreateAndDropAreCleaned) {
  testing::TempDir dir;
  fs::create_directories(dir.Sub("collections/.tmp-half"));
  fs::create_directories(dir.Sub("collections/.trash-old-1"));
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_TRUE((*engine)->ListCollections().empty());
  EXPECT_FALSE(fs::exists(dir.Sub("collections/.tmp-half")));
  EXPECT_FALSE(fs::exists(dir.Sub("collections/.trash-old-1")));
}

TEST(EngineTest, ConcurrentSearchesDuringWrites) {
  testing::TempDir dir;
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok());
  auto c = (*engine)->CreateCollection("notes", SmallConfig());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Upsert(SampleDocs()).ok());
  std::shared_ptr<Collection> collection = *c;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread reader([&] {
    while (!stop.load()) {
      auto r = collection->Search({.query = "write-ahead log crash", .k = 5});
      if (!r.ok() || r->hits.empty() || r->hits[0].document_id != "wal") ++failures;
    }
  });
  for (int i = 0; i < 30; ++i) {
    std::vector<DocumentInput> docs(1);
    docs[0].id = "extra-" + std::to_string(i % 5);
    docs[0].text = "Unrelated note number " + std::to_string(i) + " about gardening and tomatoes.";
    ASSERT_TRUE(collection->Upsert(docs).ok());
  }
  stop = true;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(collection->Info().documents, 3u + 5u);
}

}  // namespace
}  // namespace quarry
