// JSON for EngineRun: what a child process sends back to the parent, and the
// per-engine entries of the report written by --out.
//
// An entry holds the raw sweeps plus figures derived from them:
//   build_s, memory_bytes (index_bytes), rescore_vector_bytes, rss_delta_bytes,
//   peak_rss_delta_bytes, qps_at_recall {"0.90": qps or null, ...} for the
//   first thread count, cpu_qps_at_recall (the same by CPU time),
//   threads {"2": {qps_at_recall, cpu_qps_at_recall, sweep}}, filtered [...].
// Parsing reads the raw fields only; derived ones are recomputed.
//
// Thread-safety: pure functions.
#ifndef QUARRY_BENCH_ANN_RESULTS_JSON_H_
#define QUARRY_BENCH_ANN_RESULTS_JSON_H_

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "engine_run.h"
#include "quarry/status.h"

namespace quarry::bench {

// The recall levels every report states QPS at.
const std::vector<double>& ReportedRecalls();
// "0.90" for 0.9: the key used in qps_at_recall.
std::string RecallKey(double recall);

boost::json::object EngineRunToJson(const EngineRun& run);
Result<EngineRun> EngineRunFromJson(std::string_view text);
Result<EngineRun> EngineRunFromJson(const boost::json::value& v);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_RESULTS_JSON_H_
