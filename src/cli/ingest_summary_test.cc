#include "cli/ingest_summary.h"

#include <gtest/gtest.h>

#include <string>

namespace quarry::cli {
namespace {

TEST(IngestSummaryTest, FirstLineRateAndFailures) {
  IngestReport r;
  r.collection = "c";
  r.documents = 5;
  r.unchanged = 1;
  r.chunks = 12;
  r.skipped_files = 3;
  r.excluded_files = 4;
  r.failed_files = 1;
  r.failed_records = 1;
  r.failures = {"site/broken.json: not valid JSON", "site/a.jsonl: line 2: not valid JSON"};
  r.bytes = 2'000'000;
  r.elapsed_seconds = 2;
  EXPECT_EQ(FormatIngestSummary(r),
            "ingested 5 documents (12 chunks) into 'c', 1 unchanged, 3 skipped, 1 failed, "
            "1 records skipped in 2.00 s\n"
            "  rate: 6 chunks/s, 1.00 MB/s (2.00 MB read)\n"
            "  4 left out by --include/--exclude\n"
            "  failures (2):\n"
            "    site/broken.json: not valid JSON\n"
            "    site/a.jsonl: line 2: not valid JSON\n");
  EXPECT_TRUE(HasFailures(r));
}

TEST(IngestSummaryTest, FailureLinesAreCapped) {
  IngestReport r;
  r.failed_files = 25;
  for (int i = 0; i < 25; ++i) r.failures.push_back("f" + std::to_string(i) + ": bad");
  const std::string s = FormatIngestSummary(r, 20);
  EXPECT_NE(s.find("    f19: bad\n    ... and 5 more\n"), std::string::npos) << s;
  EXPECT_EQ(s.find("f20: bad"), std::string::npos);
}

TEST(IngestSummaryTest, CleanRunHasNoFailureSection) {
  IngestReport r;
  r.documents = 2;
  EXPECT_FALSE(HasFailures(r));
  const std::string s = FormatIngestSummary(r);
  EXPECT_EQ(s.find("failures"), std::string::npos);
  EXPECT_EQ(s.find("left out"), std::string::npos);
  EXPECT_NE(s.find("rate: 0 chunks/s, 0.00 MB/s"), std::string::npos);
}

TEST(IngestSummaryTest, SegmentsLineSaysWhatTheMergeDid) {
  IngestReport r;
  r.segments_before_merge = 14;
  r.segments = 5;
  r.merge = IngestReport::Merge::kDone;
  r.merge_seconds = 41.2;
  r.seal_seconds = 0.126;
  EXPECT_NE(FormatIngestSummary(r).find(
                "\n  final seal: 0.13 s\n  segments: 14, merged into 5 in 41.20 s\n"),
            std::string::npos)
      << FormatIngestSummary(r);
  r.merges = 3;
  r.merged_rows = 120000;
  r.merge_seeded_rows = 30000;
  EXPECT_NE(FormatIngestSummary(r).find("\n  segments: 14, merged into 5 in 41.20 s (3 merges of "
                                        "120000 rows, 30000 kept their graph links)\n"),
            std::string::npos)
      << FormatIngestSummary(r);
  r.merges = 1;
  EXPECT_NE(FormatIngestSummary(r).find("(1 merge of 120000 rows"), std::string::npos);
  r.merge = IngestReport::Merge::kSkipped;
  r.segments = 14;
  EXPECT_NE(FormatIngestSummary(r).find("\n  segments: 14, not merged (--no-merge)\n"),
            std::string::npos);
  r.merge = IngestReport::Merge::kFailed;
  r.segments = 11;  // one merge went through before the failure
  EXPECT_NE(FormatIngestSummary(r).find("\n  segments: 14, merge failed, 11 left\n"),
            std::string::npos);
  r.segments_before_merge = 0;  // a write failed before the seal
  EXPECT_EQ(FormatIngestSummary(r).find("segments"), std::string::npos);
}

}  // namespace
}  // namespace quarry::cli
