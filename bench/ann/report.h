// The report of a whole run: one Markdown section per dataset (the table kept
// in docs/benchmarks.md) and one JSON document with every measured point.
//
// Thread-safety: pure functions.
#ifndef QUARRY_BENCH_ANN_REPORT_H_
#define QUARRY_BENCH_ANN_REPORT_H_

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "engine_run.h"

namespace quarry::bench {

struct DatasetInfo {
  std::string name;
  std::string description;
  size_t rows = 0;
  size_t dims = 0;
  size_t queries = 0;
  std::string metric;
  std::string stats;            // dataset_stats.h FormatStats()
  std::string reference_stats;  // the same for the real data a generator imitates
};

struct ReportContext {
  std::string label;    // e.g. the git commit, from --label
  std::string command;  // the command line
  std::string machine;  // CPU model and core count
  boost::json::object options;
  std::vector<DatasetInfo> datasets;
};

std::string MarkdownReport(const ReportContext& ctx, const std::vector<EngineRun>& runs);
std::string JsonReport(const ReportContext& ctx, const std::vector<EngineRun>& runs);

// Reads back what JsonReport wrote, to render its tables again (--render).
struct SavedReport {
  ReportContext ctx;
  std::vector<EngineRun> runs;
};
Result<SavedReport> ParseJsonReport(std::string_view text);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_REPORT_H_
