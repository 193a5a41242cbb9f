// The end of `quarry ingest`, a bulk load (docs/design/storage-engine.md,
// "Bulk loads"): seal what the collection holds in memory, then merge the
// segments that are due, and record both in the run's report.
//
// Thread-safety: call from one thread; the collection's own calls are
// thread-safe.
#ifndef QUARRY_CLI_FINISH_SEGMENTS_H_
#define QUARRY_CLI_FINISH_SEGMENTS_H_

#include "cli/ingest_progress.h"
#include "cli/ingest_summary.h"
#include "quarry/engine.h"

namespace quarry::cli {

// Collection::Flush, then Collection::Compact unless `merge` is false
// (--no-merge). Records in `report` the final seal's time, the segments
// before and after, and the merges (time, count, rows, rows seeded), and
// the merge's outcome. Announces the merges through `progress` unless
// `quiet` or there is a single segment. A failure loses nothing: every
// document is already in the log, which the next open replays; the error
// says so.
Status FinishSegments(Collection& collection, bool merge, bool quiet, ProgressReporter& progress,
                      IngestReport* report);

}  // namespace quarry::cli

#endif  // QUARRY_CLI_FINISH_SEGMENTS_H_
