// Where a benchmark's report goes: the JSON written atomically to --out and
// its Markdown tables beside it, and reading a report back for --render.
//
// Thread-safety: functions; two callers must not write the same path.
#ifndef QUARRY_BENCH_COMMON_REPORT_FILE_H_
#define QUARRY_BENCH_COMMON_REPORT_FILE_H_

#include <functional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "quarry/status.h"

namespace quarry::bench {

// Writes `text` to path.tmp and renames it over `path`.
Status WriteFileAtomically(const std::string& path, const std::string& text);

// report.json -> report.md; any other name gets ".md" appended.
std::string MarkdownPath(const std::string& json_path);

// Writes `report` to `json_path` (creating its folder) and `tables` to
// MarkdownPath(json_path).
Status WriteReport(const std::string& json_path, const boost::json::object& report,
                   const std::string& tables);

// The JSON object stored in `path`.
Result<boost::json::object> ReadReport(const std::string& path);

// The end of a run: prints `tables` on stdout and, if `json_path` is not
// empty, writes the report there (WriteReport) and says so on stderr after
// "[<bench>] ".
Status PublishReport(const std::string& json_path, const boost::json::object& report,
                     const std::string& tables, std::string_view bench);

// --render FILE: prints render(the report in `path`); the exit code (errors
// on stderr after "[<bench>] ").
int RenderStoredReport(const std::string& path,
                       const std::function<std::string(const boost::json::object&)>& render,
                       std::string_view bench);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_COMMON_REPORT_FILE_H_
