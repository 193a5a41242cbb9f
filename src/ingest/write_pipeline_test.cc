// WritePipeline against a real engine: every document arrives, a later
// document with the same id wins whatever the writers' timing, the first write
// error stops the pipeline, and batches close at their size limits.
#include "ingest/write_pipeline.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/testing/temp_dir.h"

namespace quarry::ingest {
namespace {

class WritePipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = Engine::Open({.data_dir = dir_.path()});
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    CollectionConfig config;
    config.embedder.dimensions = 64;
    auto collection = engine_->CreateCollection("docs", config);
    ASSERT_TRUE(collection.ok()) << collection.status().ToString();
    collection_ = std::move(collection).value();
  }

  static DocumentInput Doc(const std::string& id, const std::string& text) {
    DocumentInput d;
    d.id = id;
    d.text = text;
    return d;
  }

  // The id of the best keyword hit for `word`, or "" if none.
  std::string BestHit(const std::string& word) {
    auto r = collection_->Search({.query = word, .k = 1, .mode = SearchMode::kKeyword});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->hits.empty()) return "";
    return r->hits[0].document_id;
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(WritePipelineTest, WritesEveryDocumentWithSeveralWriters) {
  WritePipeline pipeline(collection_.get(), {.batch_documents = 7, .writers = 3});
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(
        pipeline
            .Add(Doc("d" + std::to_string(i), "word" + std::to_string(i) + " appears in this note"))
            .ok());
  }
  ASSERT_TRUE(pipeline.Finish().ok());
  const WriteTotals totals = pipeline.totals();
  EXPECT_EQ(totals.documents, 200u);
  EXPECT_EQ(totals.unchanged, 0u);
  EXPECT_EQ(totals.chunks, 200u);
  EXPECT_EQ(totals.writes, 29u);  // ceil(200 / 7)
  EXPECT_EQ(collection_->Info().documents, 200u);
  EXPECT_EQ(BestHit("word137"), "d137");
}

// Each round rewrites the same ids, one document per write, with many writers:
// any reordering of two writes of one id would leave an older text stored.
TEST_F(WritePipelineTest, ALaterDocumentWithTheSameIdWins) {
  for (int round = 0; round < 5; ++round) {
    WritePipeline pipeline(collection_.get(), {.batch_documents = 1, .writers = 4});
    for (int version = 0; version < 20; ++version) {
      for (const char* id : {"a", "b", "c"}) {
        ASSERT_TRUE(pipeline
                        .Add(Doc(id, std::string(id) + "version" + std::to_string(round) + "x" +
                                         std::to_string(version)))
                        .ok());
      }
    }
    ASSERT_TRUE(pipeline.Finish().ok());
    for (const char* id : {"a", "b", "c"}) {
      EXPECT_EQ(BestHit(std::string(id) + "version" + std::to_string(round) + "x19"), id)
          << "round " << round;
    }
  }
  EXPECT_EQ(collection_->Info().documents, 3u);
}

// An id repeated inside the open batch closes it: the two versions go in two
// writes, in order, even with one writer.
TEST_F(WritePipelineTest, ARepeatedIdClosesTheOpenBatch) {
  WritePipeline pipeline(collection_.get(), {.batch_documents = 100, .writers = 1});
  ASSERT_TRUE(pipeline.Add(Doc("a", "first text")).ok());
  ASSERT_TRUE(pipeline.Add(Doc("b", "other text")).ok());
  ASSERT_TRUE(pipeline.Add(Doc("a", "second wording")).ok());
  ASSERT_TRUE(pipeline.Finish().ok());
  EXPECT_EQ(pipeline.totals().writes, 2u);
  EXPECT_EQ(BestHit("second"), "a");
  EXPECT_EQ(BestHit("first"), "");
}

TEST_F(WritePipelineTest, BatchesCloseAtTheirTextSize) {
  WritePipeline pipeline(collection_.get(),
                         {.batch_documents = 100, .batch_bytes = 25, .writers = 1});
  for (const char* id : {"a", "b", "c", "d"}) {
    ASSERT_TRUE(pipeline.Add(Doc(id, "twelve bytes")).ok());  // two per write
  }
  ASSERT_TRUE(pipeline.Finish().ok());
  EXPECT_EQ(pipeline.totals().writes, 2u);
  EXPECT_EQ(pipeline.totals().documents, 4u);
}

TEST_F(WritePipelineTest, OnWriteSeesTheTotalsAfterEachWrite) {
  std::vector<WriteTotals> seen;
  WritePipeline pipeline(collection_.get(),
                         {.batch_documents = 2,
                          .writers = 1,
                          .on_write = [&](const WriteTotals& t) { seen.push_back(t); }});
  for (const char* id : {"a", "b", "c", "d", "e"}) ASSERT_TRUE(pipeline.Add(Doc(id, "text")).ok());
  ASSERT_TRUE(pipeline.Finish().ok());
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].documents, 2u);
  EXPECT_EQ(seen[2].documents, 5u);
  EXPECT_EQ(seen[2].writes, 3u);
}

TEST_F(WritePipelineTest, UnchangedDocumentsAreCounted) {
  for (int run = 0; run < 2; ++run) {
    WritePipeline pipeline(collection_.get(), {.batch_documents = 3, .writers = 2});
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(pipeline.Add(Doc("d" + std::to_string(i), "same text")).ok());
    }
    ASSERT_TRUE(pipeline.Finish().ok());
    EXPECT_EQ(pipeline.totals().documents, run == 0 ? 10u : 0u);
    EXPECT_EQ(pipeline.totals().unchanged, run == 0 ? 0u : 10u);
  }
}

// A document the collection refuses fails its write; the pipeline stops and
// says so from then on, and the writes before it are stored.
TEST_F(WritePipelineTest, TheFirstWriteErrorStopsThePipeline) {
  for (size_t writers : {size_t{1}, size_t{2}}) {
    SCOPED_TRACE(writers);
    auto engine_dir = std::make_unique<testing::TempDir>();
    auto engine = Engine::Open({.data_dir = engine_dir->path()});
    ASSERT_TRUE(engine.ok());
    CollectionConfig config;
    config.embedder.dimensions = 64;
    auto collection = (*engine)->CreateCollection("docs", config);
    ASSERT_TRUE(collection.ok());
    WritePipeline pipeline(collection->get(), {.batch_documents = 2, .writers = writers});
    ASSERT_TRUE(pipeline.Add(Doc("ok1", "fine")).ok());
    ASSERT_TRUE(pipeline.Add(Doc("ok2", "fine")).ok());
    DocumentInput bad = Doc("bad", "text");
    bad.media_type = "image/png";
    (void)pipeline.Add(std::move(bad));  // fails now (one writer) or later
    Status next = Status::Ok();
    for (int i = 0; i < 1000 && next.ok(); ++i) {
      next = pipeline.Add(Doc("late" + std::to_string(i), "text"));
    }
    const Status finished = pipeline.Finish();
    EXPECT_EQ(finished.code(), StatusCode::kInvalidArgument) << finished.ToString();
    EXPECT_NE(finished.message().find("image/png"), std::string::npos);
    EXPECT_EQ(next.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(pipeline.Add(Doc("after", "text")).code(), StatusCode::kInvalidArgument);
    // ok1 and ok2 were one write, sent before the bad one: it completes.
    EXPECT_GE(pipeline.totals().documents, 2u);
    EXPECT_EQ((*collection)->Info().documents, pipeline.totals().documents);
    EXPECT_TRUE((*collection)->GetDocument("ok1").ok());
    EXPECT_FALSE((*collection)->GetDocument("bad").ok());
  }
}

}  // namespace
}  // namespace quarry::ingest
