// FilePrefetcher over real files: results come in file order whatever the
// workers' timing, JSON Lines is left to the taker, failures stay with their
// file, and stopping early does not hang.
#include "ingest/file_prefetcher.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "base/testing/temp_dir.h"

namespace quarry::ingest {
namespace {

class FilePrefetcherTest : public ::testing::Test {
 protected:
  FileEntry Write(const std::string& name, const std::string& content) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << content;
    return FileEntry{path, name, content.size()};
  }

  testing::TempDir dir_;
};

TEST_F(FilePrefetcherTest, HandsFilesOverInOrder) {
  std::vector<FileEntry> files;
  for (int i = 0; i < 60; ++i) {
    // Uneven sizes, so that workers finish out of order.
    std::string text = "File number ";
    text += std::to_string(i);
    text += ". ";
    for (int r = 0; r < (i % 7) * 2000; ++r) text += "filler words here. ";
    files.push_back(Write(std::to_string(i) + ".txt", text));
  }
  // A byte budget of one byte lets one file at a time be read ahead.
  for (const auto& [threads, budget] :
       {std::pair<size_t, uint64_t>{1, 1 << 20}, {3, 1 << 20}, {3, 1}, {2, 100000}}) {
    SCOPED_TRACE(std::to_string(threads) + " threads, " + std::to_string(budget) + " bytes");
    FilePrefetcher prefetcher(&files, FileSourceOptions{}, threads, /*window=*/4, budget);
    for (size_t i = 0; i < files.size(); ++i) {
      PrefetchedFile file = prefetcher.Take(i);
      ASSERT_TRUE(file.status.ok()) << file.status.ToString();
      ASSERT_FALSE(file.streamed);
      ASSERT_EQ(file.documents.size(), 1u);
      EXPECT_EQ(file.documents[0].id, files[i].document_id);
      EXPECT_EQ(file.documents[0].text.rfind("File number " + std::to_string(i) + ".", 0), 0u);
    }
  }
}

TEST_F(FilePrefetcherTest, JsonLinesIsLeftToTheTakerAndJsonIsRead) {
  std::vector<FileEntry> files = {
      Write("a.jsonl",
            "{\"_id\": \"1\", \"text\": \"one\"}\n{\"_id\": \"2\", \"text\": \"two\"}\n"),
      Write("b.json", "[{\"id\": \"x\", \"text\": \"ex\"}, {\"id\": \"y\"}, 7]"),
      Write("c.md", "# Title\n\nBody text.\n")};
  FilePrefetcher prefetcher(&files, FileSourceOptions{}, 2, 2);
  PrefetchedFile jsonl = prefetcher.Take(0);
  EXPECT_TRUE(jsonl.streamed);
  EXPECT_TRUE(jsonl.documents.empty());
  PrefetchedFile json = prefetcher.Take(1);
  EXPECT_FALSE(json.streamed);
  ASSERT_TRUE(json.status.ok()) << json.status.ToString();
  ASSERT_GE(json.documents.size(), 1u);
  EXPECT_EQ(json.documents[0].id, "x");
  EXPECT_FALSE(json.problems.empty());  // the record 7 at least
  PrefetchedFile md = prefetcher.Take(2);
  ASSERT_EQ(md.documents.size(), 1u);
  EXPECT_EQ(md.documents[0].title, "Title");
}

TEST_F(FilePrefetcherTest, AFailureStaysWithItsFile) {
  FileSourceOptions options;
  options.max_file_bytes = 100;
  std::vector<FileEntry> files = {
      Write("small.txt", "fits"), Write("big.txt", std::string(500, 'x')),
      FileEntry{dir_.Sub("gone.txt"), "gone.txt", 0}, Write("after.txt", "also fits")};
  FilePrefetcher prefetcher(&files, options, 3, 8);
  EXPECT_TRUE(prefetcher.Take(0).status.ok());
  PrefetchedFile big = prefetcher.Take(1);
  EXPECT_EQ(big.status.code(), StatusCode::kResourceExhausted) << big.status.ToString();
  EXPECT_TRUE(big.documents.empty());
  PrefetchedFile gone = prefetcher.Take(2);
  EXPECT_EQ(gone.status.code(), StatusCode::kNotFound) << gone.status.ToString();
  PrefetchedFile after = prefetcher.Take(3);
  ASSERT_TRUE(after.status.ok());
  EXPECT_EQ(after.documents.at(0).text, "also fits");
}

TEST_F(FilePrefetcherTest, StoppingBeforeTheEndDoesNotHang) {
  std::vector<FileEntry> files;
  for (int i = 0; i < 40; ++i) files.push_back(Write(std::to_string(i) + ".txt", "text"));
  FilePrefetcher prefetcher(&files, FileSourceOptions{}, 2, 3);
  EXPECT_TRUE(prefetcher.Take(0).status.ok());
  EXPECT_TRUE(prefetcher.Take(1).status.ok());
}  // the destructor joins workers waiting on a full window

}  // namespace
}  // namespace quarry::ingest
