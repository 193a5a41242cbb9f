// The summary `quarry ingest` ends with, and the rule for its exit status.
//
// The first line keeps the form scripts already read:
//   ingested 5 documents (12 chunks) into 'c', 1 unchanged, 3 skipped, 1 failed,
//   2 records skipped in 0.52 s
// ("skipped": files left out on purpose, e.g. an unsupported extension;
// "failed": files that could not be read or extracted, or were left out for
// an error; "records skipped": JSON records that could not be read). Then the
// rate, the collection's segments (and how the merge at the end changed them:
//   segments: 14, merged into 5 in 41.20 s (3 merges of 120000 rows, 30000 kept their graph links)
// "segments: 14, not merged (--no-merge)" or "segments: 14, merge failed,
// 12 left") after the time the final seal took ("final seal: 0.12 s"), the files the
// include/exclude patterns left out, and one line per failure ("path: reason"), at most
// `max_failure_lines` of them followed by
// "... and N more".
//
// Thread-safety: pure functions.
#ifndef QUARRY_CLI_INGEST_SUMMARY_H_
#define QUARRY_CLI_INGEST_SUMMARY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace quarry::cli {

struct IngestReport {
  std::string collection;
  uint64_t documents = 0;  // written (new or changed)
  uint64_t unchanged = 0;  // same content hash: nothing written
  uint64_t chunks = 0;
  size_t skipped_files = 0;   // left out on purpose
  size_t excluded_files = 0;  // left out by --include/--exclude
  size_t failed_files = 0;
  size_t failed_records = 0;
  std::vector<std::string> failures;  // "path: reason", files and records
  uint64_t bytes = 0;                 // of the files read
  double elapsed_seconds = 0;         // everything, the merge included
  // The collection's sealed segments once its rows were all sealed, and
  // after the merge (the same without one); 0 when nothing was sealed (a
  // write or the seal failed, or the collection is empty): no line then.
  uint64_t segments_before_merge = 0;
  uint64_t segments = 0;
  // The merge at the end: skipped (--no-merge), done, or failed (the error
  // follows the summary).
  enum class Merge { kSkipped, kDone, kFailed };
  Merge merge = Merge::kSkipped;
  double seal_seconds = 0;  // of the seal of the rows still in memory at the end
  double merge_seconds = 0;
  // The merges of the end (CollectionInfo::merges and its rows): how many,
  // the rows they wrote, and those whose graph links were kept.
  uint64_t merges = 0;
  uint64_t merged_rows = 0;
  uint64_t merge_seeded_rows = 0;
};

inline constexpr size_t kDefaultFailureLines = 20;

// The summary, lines ending in '\n'.
std::string FormatIngestSummary(const IngestReport& report,
                                size_t max_failure_lines = kDefaultFailureLines);

// True if anything failed: a file, a record, or an entry left out for an error.
inline bool HasFailures(const IngestReport& report) {
  return report.failed_files > 0 || report.failed_records > 0;
}

}  // namespace quarry::cli

#endif  // QUARRY_CLI_INGEST_SUMMARY_H_
