#include "cli/finish_segments.h"

#include <string>

#include "base/stopwatch.h"

namespace quarry::cli {

Status FinishSegments(Collection& collection, bool merge, bool quiet, ProgressReporter& progress,
                      IngestReport* report) {
  Stopwatch seal_clock;
  if (Status sealed = collection.Flush(); !sealed.ok()) {
    return sealed.WithContext(
        "every document is stored (in the log, replayed at the next open), but sealing failed");
  }
  report->seal_seconds = seal_clock.ElapsedMillis() / 1000.0;
  const CollectionInfo before = collection.Info();
  report->segments_before_merge = before.sealed_segments;
  report->segments = before.sealed_segments;
  if (!merge) return Status::Ok();
  if (!quiet && report->segments > 1) {
    progress.Note("quarry: " + std::to_string(report->segments) +
                  " segments sealed; merging those due");
  }
  Stopwatch merge_clock;
  const Status merged = collection.Compact();
  report->merge_seconds = merge_clock.ElapsedMillis() / 1000.0;
  const CollectionInfo after = collection.Info();
  report->segments = after.sealed_segments;  // after the merges that went through
  report->merges = after.merges - before.merges;
  report->merged_rows = after.merged_rows - before.merged_rows;
  report->merge_seeded_rows = after.merge_seeded_rows - before.merge_seeded_rows;
  if (!merged.ok()) {
    report->merge = IngestReport::Merge::kFailed;
    return merged.WithContext("every document is stored and sealed, but merging failed");
  }
  report->merge = IngestReport::Merge::kDone;
  return Status::Ok();
}

}  // namespace quarry::cli
