// Ingest throughput of one collection configuration: documents go in through
// Collection::Upsert in calls of a fixed size, as a client would send them,
// while seals (and merges) run in the engine's background thread.
//
// Two rates are reported: acknowledged (documents / summed time inside
// Upsert: what a client sees) and drained (including the time to seal and
// merge what is left once the last call returns, so the background work is
// not hidden).
//
// Thread-safety: RunIngest uses the directory it is given and nothing else.
#ifndef QUARRY_BENCH_STORAGE_INGEST_RUN_H_
#define QUARRY_BENCH_STORAGE_INGEST_RUN_H_

#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "common/latency.h"
#include "corpus.h"
#include "quarry/options.h"
#include "quarry/status.h"

namespace quarry::bench {

struct IngestSpec {
  std::string label;        // e.g. "always, 1 per call"
  CollectionConfig config;  // fsync policy, seal_rows, quantization...
  uint64_t first_doc = 0;   // documents first_doc .. first_doc + docs - 1
  uint64_t docs = 0;
  uint32_t per_call = 100;  // documents per Upsert
  bool drain = true;        // seal and merge everything at the end
};

struct IngestResult {
  std::string label;
  std::string fsync;
  uint32_t fsync_interval_ms = 0;
  uint32_t per_call = 0;
  uint32_t seal_rows = 0;
  uint64_t docs = 0;
  uint64_t chunks = 0;
  uint64_t input_bytes = 0;       // ids, titles and texts handed to Upsert
  double upsert_s = 0;            // summed wall time inside Upsert
  double drain_s = 0;             // Flush + Compact after the last call
  LatencySummary call;            // per-Upsert latency
  uint64_t disk_write_bytes = 0;  // /proc/self/io write_bytes over the run (log + segments)
  double cpu_s = 0;               // user + system CPU of the process over the run
  size_t segments = 0;            // sealed segments at the end
  double load = 0;                // 1-minute load average at the end

  double docs_per_s() const { return upsert_s > 0 ? docs / upsert_s : 0; }
  double mb_per_s() const { return upsert_s > 0 ? input_bytes / upsert_s / 1e6 : 0; }
  double drained_docs_per_s() const {
    return upsert_s + drain_s > 0 ? docs / (upsert_s + drain_s) : 0;
  }
};

// Creates collection `name` in a new engine at `data_dir` (which must not
// hold it yet), ingests, drains if asked, and closes the engine (which stops
// the background thread and syncs the log). The directory is left in place.
Result<IngestResult> RunIngest(const ShortDocuments& corpus, const IngestSpec& spec,
                               const std::string& data_dir, const std::string& name);

boost::json::object ToJson(const IngestResult& r);
IngestResult IngestFromJson(const boost::json::object& o);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_STORAGE_INGEST_RUN_H_
