// FinishSegments, the end of `quarry ingest`: seal, then merge, on a real
// engine over a disk that can fail (FaultInjectionEnv). Whatever fails, the
// error says every document is stored, the report says what happened, and
// the next open finds every document.
#include "cli/finish_segments.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/testing/fault_injection_env.h"
#include "base/testing/temp_dir.h"
#include "engine/engine_impl.h"

namespace quarry::cli {
namespace {

constexpr int kDocsPerBatch = 5;

struct Harness {
  quarry::testing::TempDir dir;
  std::shared_ptr<quarry::testing::FaultInjectionEnv> disk =
      std::make_shared<quarry::testing::FaultInjectionEnv>(NewPosixEnv());
  std::unique_ptr<engine::EngineImpl> engine;
  std::shared_ptr<Collection> collection;
  std::ostringstream notes;
  ProgressReporter progress{&notes, ProgressReporter::Mode::kLines, 1.0, [] { return 0.0; }};

  // The engine as `quarry ingest` opens it: no merge thread.
  void Open() {
    auto opened =
        engine::EngineImpl::Open({.data_dir = dir.path(), .background_merges = false}, disk);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    engine = std::move(opened).value();
    CollectionConfig config;
    config.embedder.dimensions = 64;
    config.storage.seal_rows = 1000000;  // seals only on Flush
    auto c = engine->CreateCollection("c", config);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    collection = *c;
  }

  void Write(int batch) {
    std::vector<DocumentInput> docs(kDocsPerBatch);
    for (int i = 0; i < kDocsPerBatch; ++i) {
      docs[i].id = "b" + std::to_string(batch) + "-" + std::to_string(i);
      docs[i].text = "harbour light " + std::to_string(batch * kDocsPerBatch + i);
    }
    ASSERT_TRUE(collection->Upsert(docs).ok());
  }

  // Four batches, each sealed into a segment of its own: a merge is due.
  void WriteFourSegments() {
    for (int batch = 0; batch < 4; ++batch) {
      Write(batch);
      ASSERT_TRUE(collection->Flush().ok());
    }
  }

  // Closes the engine and opens the directory again on a sound disk.
  CollectionInfo Reopened() {
    collection.reset();
    engine.reset();
    auto opened = engine::EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return {};
    auto c = (*opened)->GetCollection("c");
    EXPECT_TRUE(c.ok());
    return c.ok() ? (*c)->Info() : CollectionInfo{};
  }
};

TEST(FinishSegmentsTest, SealsThenMergesAndReportsBoth) {
  Harness h;
  ASSERT_NO_FATAL_FAILURE(h.Open());
  ASSERT_NO_FATAL_FAILURE(h.WriteFourSegments());
  ASSERT_NO_FATAL_FAILURE(h.Write(4));  // still in memory
  IngestReport report;
  ASSERT_TRUE(
      FinishSegments(*h.collection, /*merge=*/true, /*quiet=*/false, h.progress, &report).ok());
  EXPECT_EQ(report.segments_before_merge, 5u);
  EXPECT_EQ(report.segments, 2u);  // the four of tier 0 merged, the fifth waits for three more
  EXPECT_EQ(report.merge, IngestReport::Merge::kDone);
  EXPECT_EQ(report.merges, 1u);
  EXPECT_EQ(report.merged_rows, 4u * kDocsPerBatch);  // a chunk per document
  EXPECT_EQ(report.merge_seeded_rows, 0u);            // segments this small have no graph
  EXPECT_NE(h.notes.str().find("quarry: 5 segments sealed; merging those due"), std::string::npos)
      << h.notes.str();
  EXPECT_EQ(h.Reopened().documents, 5u * kDocsPerBatch);
}

TEST(FinishSegmentsTest, WithoutMergeOnlySeals) {
  Harness h;
  ASSERT_NO_FATAL_FAILURE(h.Open());
  ASSERT_NO_FATAL_FAILURE(h.WriteFourSegments());
  IngestReport report;
  ASSERT_TRUE(
      FinishSegments(*h.collection, /*merge=*/false, /*quiet=*/false, h.progress, &report).ok());
  EXPECT_EQ(report.segments_before_merge, 4u);
  EXPECT_EQ(report.segments, 4u);
  EXPECT_EQ(report.merge, IngestReport::Merge::kSkipped);
  EXPECT_EQ(h.notes.str(), "");
}

TEST(FinishSegmentsTest, AFailedSealSaysEveryDocumentIsStoredAndTheOpenFindsThem) {
  Harness h;
  ASSERT_NO_FATAL_FAILURE(h.Open());
  ASSERT_NO_FATAL_FAILURE(h.Write(0));
  h.disk->SetDiskFull(true);
  IngestReport report;
  const Status s = FinishSegments(*h.collection, true, false, h.progress, &report);
  h.disk->ClearFaults();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("every document is stored (in the log, replayed at the next open), "
                             "but sealing failed"),
            std::string::npos)
      << s.ToString();
  EXPECT_EQ(report.segments_before_merge, 0u);  // the summary prints no segments line
  EXPECT_EQ(report.merge, IngestReport::Merge::kSkipped);
  EXPECT_EQ(h.Reopened().documents, static_cast<uint64_t>(kDocsPerBatch));
}

TEST(FinishSegmentsTest, AFailedMergeSaysEveryDocumentIsStoredAndSealed) {
  Harness h;
  ASSERT_NO_FATAL_FAILURE(h.Open());
  ASSERT_NO_FATAL_FAILURE(h.WriteFourSegments());
  // Nothing left in memory: the final seal writes nothing, the merge fails.
  h.disk->SetDiskFull(true);
  IngestReport report;
  const Status s = FinishSegments(*h.collection, true, /*quiet=*/true, h.progress, &report);
  h.disk->ClearFaults();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("every document is stored and sealed, but merging failed"),
            std::string::npos)
      << s.ToString();
  EXPECT_EQ(report.merge, IngestReport::Merge::kFailed);
  EXPECT_EQ(report.segments_before_merge, 4u);
  EXPECT_EQ(report.segments, 4u);
  EXPECT_EQ(report.merges, 0u);
  EXPECT_EQ(h.notes.str(), "");  // quiet
  const CollectionInfo after = h.Reopened();
  EXPECT_EQ(after.documents, 4u * kDocsPerBatch);
  EXPECT_EQ(after.sealed_segments, 4u);
}

}  // namespace
}  // namespace quarry::cli
