// Who merges a collection's segments: the background merge thread (the
// default), or only Collection::Compact() when the engine is opened with
// background_merges = false (the CLI's one-shot commands); and Flush, which
// seals the rows held in memory so that an open replays nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/testing/temp_dir.h"
#include "quarry/engine.h"

namespace quarry {
namespace {

using testing::TempDir;

CollectionConfig SmallSegments() {
  CollectionConfig config;
  config.embedder.dimensions = 64;
  config.storage.seal_rows = 1000000;  // seals only on Flush
  return config;
}

// Four batches, each flushed into a segment of its own: four tier-0
// segments, so a merge is due.
void WriteFourSegments(Collection& c) {
  for (int batch = 0; batch < 4; ++batch) {
    std::vector<DocumentInput> docs(5);
    for (int i = 0; i < 5; ++i) {
      docs[i].id = "b" + std::to_string(batch) + "-" + std::to_string(i);
      docs[i].text =
          "lighthouse keeper number " + std::to_string(batch * 5 + i) + " watches the harbor";
    }
    ASSERT_TRUE(c.Upsert(docs).ok());
    ASSERT_TRUE(c.Flush().ok());
  }
}

struct Opened {
  std::unique_ptr<Engine> engine;
  std::shared_ptr<Collection> c;  // null if the open failed (and the test with it)
};

// The engine on `dir` and its collection "c", created by the first open.
Opened MustOpen(const TempDir& dir, bool background_merges, bool create) {
  Opened out;
  auto engine = Engine::Open({.data_dir = dir.path(), .background_merges = background_merges});
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  if (!engine.ok()) return out;
  out.engine = std::move(engine).value();
  auto c =
      create ? out.engine->CreateCollection("c", SmallSegments()) : out.engine->GetCollection("c");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (c.ok()) out.c = *c;
  return out;
}

TEST(MergeControlTest, WithoutBackgroundMergesSegmentsWaitForCompact) {
  TempDir dir;
  {
    Opened opened = MustOpen(dir, /*background_merges=*/false, /*create=*/true);
    ASSERT_NE(opened.c, nullptr);
    Collection* c = opened.c.get();
    WriteFourSegments(*c);
    // A merge thread is woken by each seal and looks again every second (its
    // tick; BackgroundMergesMergeWithoutBeingAsked shows it merging): none
    // may run here.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(c->Info().sealed_segments, 4u);
    ASSERT_TRUE(c->Compact().ok());
    EXPECT_EQ(c->Info().sealed_segments, 1u);
    EXPECT_EQ(c->Info().documents, 20u);
    ASSERT_TRUE(c->Compact().ok());  // nothing more is due
    EXPECT_EQ(c->Info().sealed_segments, 1u);
  }
  Opened opened = MustOpen(dir, /*background_merges=*/false, /*create=*/false);
  ASSERT_NE(opened.c, nullptr);
  Collection* c = opened.c.get();
  EXPECT_EQ(c->Info().sealed_segments, 1u);
  auto found = c->Search({.query = "lighthouse keeper number 17", .k = 20});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->hits.size(), 20u);
  EXPECT_EQ(found->hits[0].document_id, "b3-2");
}

TEST(MergeControlTest, BackgroundMergesMergeWithoutBeingAsked) {
  TempDir dir;
  Opened opened = MustOpen(dir, /*background_merges=*/true, /*create=*/true);
  ASSERT_NE(opened.c, nullptr);
  Collection* c = opened.c.get();
  WriteFourSegments(*c);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (c->Info().sealed_segments > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(c->Info().sealed_segments, 1u);
  EXPECT_EQ(c->Info().documents, 20u);
}

TEST(MergeControlTest, FlushLeavesNothingToReplay) {
  TempDir dir;
  {
    Opened opened = MustOpen(dir, /*background_merges=*/false, /*create=*/true);
    ASSERT_NE(opened.c, nullptr);
    Collection* c = opened.c.get();
    ASSERT_TRUE(c->Upsert({{.id = "a", .text = "written, then sealed by Flush"}}).ok());
    EXPECT_EQ(c->Info().sealed_segments, 0u);
    ASSERT_TRUE(c->Flush().ok());
    EXPECT_EQ(c->Info().sealed_segments, 1u);
    ASSERT_TRUE(c->Flush().ok());  // nothing in memory: no empty segment
    EXPECT_EQ(c->Info().sealed_segments, 1u);
  }
  // The log was cut at the seal: only an empty log file is left, so the
  // document comes back from the segment alone.
  const std::string wal = dir.path() + "/collections/c/wal";
  uintmax_t log_bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(wal)) {
    log_bytes += entry.file_size();
  }
  EXPECT_LT(log_bytes, 100u);
  Opened opened = MustOpen(dir, /*background_merges=*/false, /*create=*/false);
  ASSERT_NE(opened.c, nullptr);
  Collection* c = opened.c.get();
  EXPECT_EQ(c->Info().documents, 1u);
  EXPECT_TRUE(c->GetDocument("a").ok());
}

}  // namespace
}  // namespace quarry
