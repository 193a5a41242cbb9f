#include "ingest/ingest_writer.h"

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/testing/temp_dir.h"

namespace quarry::ingest {
namespace {

// Records every write as the list of its ids; fails the write numbered
// `fail_at` (1-based) when set.
struct RecordingWrites {
  std::vector<std::vector<std::string>> writes;
  int fail_at = 0;

  WriteDocuments Function() {
    return [this](std::vector<DocumentInput> docs) -> Result<UpsertSummary> {
      std::vector<std::string> ids;
      for (const DocumentInput& d : docs) ids.push_back(d.id);
      writes.push_back(ids);
      if (static_cast<int>(writes.size()) == fail_at) return Status::NoSpace("disk full");
      UpsertSummary summary;
      summary.documents = static_cast<uint32_t>(docs.size());
      summary.chunks = static_cast<uint32_t>(2 * docs.size());
      return summary;
    };
  }
};

class IngestWriterTest : public ::testing::Test {
 protected:
  FileEntry File(const std::string& name, const std::string& content) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << content;
    return FileEntry{path, name, content.size(), ""};
  }

  quarry::testing::TempDir dir_;
  FileSourceOptions options_;
  std::vector<std::string> problems_;
  ProblemSink problem_ = [this](std::string p) { problems_.push_back(std::move(p)); };
};

TEST_F(IngestWriterTest, BatchesAcrossFilesAndSumsWhatWasWritten) {
  RecordingWrites writes;
  int callbacks = 0;
  IngestWriter writer(writes.Function(), 2, [&](const WriteTotals&) { ++callbacks; });
  EXPECT_TRUE(writer.AddFile(File("a.txt", "alpha"), options_, problem_).ok());
  EXPECT_TRUE(writer.AddFile(File("b.md", "# Beta"), options_, problem_).ok());
  EXPECT_TRUE(writer.AddFile(File("c.txt", "gamma"), options_, problem_).ok());
  EXPECT_TRUE(writer.Flush().ok());
  ASSERT_EQ(writes.writes.size(), 2u);
  EXPECT_EQ(writes.writes[0], (std::vector<std::string>{"a.txt", "b.md"}));
  EXPECT_EQ(writes.writes[1], (std::vector<std::string>{"c.txt"}));
  EXPECT_EQ(writer.totals().documents, 3u);
  EXPECT_EQ(writer.totals().chunks, 6u);
  EXPECT_EQ(callbacks, 2);
}

TEST_F(IngestWriterTest, AFileThatFailsFailsAloneAndARepeatedIdStartsANewWrite) {
  RecordingWrites writes;
  IngestWriter writer(writes.Function(), 10);
  EXPECT_TRUE(writer
                  .AddFile(File("r.jsonl",
                                "{\"_id\":\"x\",\"text\":\"one\"}\n"
                                "{\"_id\":\"x\",\"text\":\"two\"}\nnot json\n"),
                           options_, problem_)
                  .ok());
  EXPECT_EQ(problems_.size(), 1u);  // the bad record, skipped
  Status bad = writer.AddFile(File("bad.json", "{\"documents\": ["), options_, problem_);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("bad.json"), std::string::npos) << bad.message();
  EXPECT_TRUE(writer.write_error().ok());
  EXPECT_TRUE(writer.Flush().ok());
  ASSERT_EQ(writes.writes.size(), 2u);  // "x" twice cannot go in one write
  EXPECT_EQ(writes.writes[0], (std::vector<std::string>{"x"}));
  EXPECT_EQ(writes.writes[1], (std::vector<std::string>{"x"}));
}

TEST_F(IngestWriterTest, AFailedWriteStopsEverything) {
  RecordingWrites writes;
  writes.fail_at = 1;
  IngestWriter writer(writes.Function(), 1);
  Status first = writer.AddFile(File("a.txt", "alpha"), options_, problem_);
  EXPECT_EQ(first.code(), StatusCode::kNoSpace);
  EXPECT_EQ(writer.write_error().code(), StatusCode::kNoSpace);
  EXPECT_EQ(writer.AddFile(File("b.txt", "beta"), options_, problem_).code(), StatusCode::kNoSpace);
  EXPECT_EQ(writer.Flush().code(), StatusCode::kNoSpace);
  EXPECT_EQ(writes.writes.size(), 1u);  // nothing more was tried
  EXPECT_EQ(writer.totals().documents, 0u);
}

TEST_F(IngestWriterTest, AnEntryNameStandsForItsPath) {
  std::vector<DocumentInput> seen;
  IngestWriter writer(
      [&](std::vector<DocumentInput> docs) -> Result<UpsertSummary> {
        for (DocumentInput& d : docs) seen.push_back(std::move(d));
        return UpsertSummary{};
      },
      10);
  // A temporary file without an extension, known by an HTML name.
  FileEntry entry = File("tmp-XXXX", "<p>Hello <b>there</b></p>");
  entry.name = "page.html";
  entry.document_id = "page.html";
  ASSERT_TRUE(writer.AddFile(entry, options_, problem_).ok());
  ASSERT_TRUE(writer.Flush().ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].source, "page.html");
  EXPECT_EQ(seen[0].title, "page.html");
  EXPECT_EQ(seen[0].text.find("<p>"), std::string::npos) << "extracted as HTML, by the name";
}

}  // namespace
}  // namespace quarry::ingest
