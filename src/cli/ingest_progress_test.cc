#include "cli/ingest_progress.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace quarry::cli {
namespace {

IngestCounts Counts(size_t files_done, size_t files_total, uint64_t bytes_done,
                    uint64_t bytes_total, uint64_t chunks) {
  IngestCounts c;
  c.files_done = files_done;
  c.files_total = files_total;
  c.bytes_done = bytes_done;
  c.bytes_total = bytes_total;
  c.documents = files_done;
  c.chunks = chunks;
  return c;
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(IngestProgressTest, EtaFromBytesElseFiles) {
  // A quarter of the bytes in 10 s: 30 s left.
  EXPECT_DOUBLE_EQ(*EstimateSecondsLeft(Counts(1, 8, 250, 1000, 5), 10), 30);
  // Sizes unknown: 2 of 8 files in 10 s, 30 s left.
  EXPECT_DOUBLE_EQ(*EstimateSecondsLeft(Counts(2, 8, 0, 0, 5), 10), 30);
  // Nothing done yet, or no time passed: unknown.
  EXPECT_FALSE(EstimateSecondsLeft(Counts(0, 8, 0, 1000, 0), 10).has_value());
  EXPECT_FALSE(EstimateSecondsLeft(Counts(1, 8, 10, 1000, 0), 0).has_value());
  // All done: nothing left, even when sizes grew while reading.
  EXPECT_DOUBLE_EQ(*EstimateSecondsLeft(Counts(8, 8, 1200, 1000, 9), 10), 0);
}

TEST(IngestProgressTest, Durations) {
  EXPECT_EQ(FormatDuration(std::nullopt), "--");
  EXPECT_EQ(FormatDuration(0), "0:00");
  EXPECT_EQ(FormatDuration(42.4), "0:42");
  EXPECT_EQ(FormatDuration(65), "1:05");
  EXPECT_EQ(FormatDuration(2 * 3600 + 3 * 60 + 7), "2:03:07");
  EXPECT_EQ(FormatDuration(-1), "--");
}

TEST(IngestProgressTest, LineShowsFilesBytesChunksRatesAndEta) {
  const std::string line = FormatProgressLine(Counts(12, 48, 2'000'000, 8'000'000, 410), 10);
  EXPECT_EQ(line,
            "ingest: 12/48 files (25%), 2.0/8.0 MB, 12 documents, 410 chunks, 41 chunks/s, "
            "0.20 MB/s, ETA 0:30");
}

TEST(IngestProgressTest, PlainLinesEveryIntervalAndAtTheEnd) {
  double now = 100;
  std::ostringstream out;
  ProgressReporter progress(&out, ProgressReporter::Mode::kLines, 5, [&] { return now; });
  now = 101;
  progress.Update(Counts(1, 4, 10, 40, 1));  // under the interval: nothing
  EXPECT_EQ(out.str(), "");
  now = 105;
  progress.Update(Counts(2, 4, 20, 40, 2));
  EXPECT_EQ(Count(out.str(), "\n"), 1u);
  now = 107;
  progress.Update(Counts(3, 4, 30, 40, 3));  // 2 s after the last line: nothing
  progress.Note("quarry: failed: x: bad");
  progress.Finish(Counts(4, 4, 40, 40, 4));
  const std::string s = out.str();
  EXPECT_EQ(s.find('\r'), std::string::npos);
  EXPECT_EQ(s.find('\x1b'), std::string::npos);
  EXPECT_EQ(Count(s, "ingest: "), 2u);
  EXPECT_NE(s.find("ingest: 2/4 files (50%)"), std::string::npos);
  EXPECT_NE(s.find("quarry: failed: x: bad\ningest: 4/4 files (100%)"), std::string::npos) << s;
  EXPECT_NE(s.find("ETA 0:00\n"), std::string::npos);
}

TEST(IngestProgressTest, PlainLinesDoNotRepeatTheFinalCounts) {
  double now = 0;
  std::ostringstream out;
  ProgressReporter progress(&out, ProgressReporter::Mode::kLines, 0, [&] { return now; });
  progress.Update(Counts(1, 1, 5, 5, 2));
  now = 1;
  progress.Finish(Counts(1, 1, 5, 5, 2));
  EXPECT_EQ(Count(out.str(), "ingest: "), 1u) << out.str();
}

TEST(IngestProgressTest, TerminalRedrawsInPlace) {
  double now = 0;
  std::ostringstream out;
  ProgressReporter progress(&out, ProgressReporter::Mode::kTerminal, 0.2, [&] { return now; });
  progress.Update(Counts(0, 2, 0, 20, 0));  // the first state at once
  now = 0.1;
  progress.Update(Counts(1, 2, 10, 20, 1));  // too soon
  now = 0.5;
  progress.Note("quarry: failed: y: bad");
  progress.Update(Counts(1, 2, 10, 20, 1));
  progress.Finish(Counts(2, 2, 20, 20, 2));
  const std::string s = out.str();
  // Each drawing starts by returning to the start of the line and erasing it;
  // a note erases the line, prints, and redraws it with the latest counts.
  EXPECT_EQ(s.rfind("\r\x1b[Kingest: 0/2 files", 0), 0u) << s;
  EXPECT_NE(s.find("\r\x1b[Kquarry: failed: y: bad\ningest: 1/2 files"), std::string::npos) << s;
  EXPECT_EQ(Count(s, "\n"), 2u);  // the note's and the final one
  EXPECT_EQ(s.back(), '\n');
  EXPECT_NE(s.find("\r\x1b[Kingest: 2/2 files (100%)"), std::string::npos);
}

TEST(IngestProgressTest, OffPrintsNothingButNotes) {
  std::ostringstream out;
  ProgressReporter progress(&out, ProgressReporter::Mode::kOff, 0, [] { return 0.0; });
  progress.Update(Counts(1, 1, 1, 1, 1));
  progress.Note("quarry: failed: z");
  progress.Finish(Counts(1, 1, 1, 1, 1));
  EXPECT_EQ(out.str(), "quarry: failed: z\n");
}

}  // namespace
}  // namespace quarry::cli
