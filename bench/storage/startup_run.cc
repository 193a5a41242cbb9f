#include "startup_run.h"

#include <boost/json.hpp>

#include "common/child_process.h"
#include "common/json_fields.h"
#include "common/proc_stats.h"

namespace quarry::bench {
namespace {

Result<boost::json::object> ParseObject(const std::string& text, const std::string& who) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) {
    return Status::Internal(who + " did not print a JSON object: " + text.substr(0, 200));
  }
  return std::move(v.get_object());
}

double Millis(double from_ns, double to_ns) { return (to_ns - from_ns) / 1e6; }

}  // namespace

Result<boost::json::object> RunProbe(const ProbeSpec& spec, StartKind kind) {
  if (kind == StartKind::kCold) QUARRY_RETURN_IF_ERROR(DropPageCache());
  std::vector<std::string> argv = {
      spec.probe_path,   "--data",        spec.data_dir,
      "--collection",    spec.collection, "--queries",
      spec.queries_file, "--warm-passes", std::to_string(spec.warm_passes),
      "--mode",          spec.mode};
  if (kind == StartKind::kEvicted) argv.push_back("--evict-after-open");
  QUARRY_ASSIGN_OR_RETURN(ChildRun run, RunChild(argv));
  QUARRY_ASSIGN_OR_RETURN(boost::json::object o, ParseObject(run.out, "bench_storage_probe"));
  const double spawn = static_cast<double>(run.spawn_ns);
  o["cold"] = kind == StartKind::kCold;
  o["evicted"] = kind == StartKind::kEvicted;
  o["spawn_ns"] = run.spawn_ns;
  o["exit_ns"] = run.exit_ns;
  o["exec_ms"] = Millis(spawn, Num(o, "t_main_ns"));
  o["start_to_open_ms"] = Millis(spawn, Num(o, "t_open_ns"));
  o["start_to_first_ms"] = Millis(spawn, Num(o, "t_first_ns"));
  o["load"] = LoadAverage();
  return o;
}

Result<boost::json::object> RunCliSearch(const std::string& quarry_path, const ProbeSpec& spec,
                                         const std::string& query, bool cold) {
  if (cold) QUARRY_RETURN_IF_ERROR(DropPageCache());
  QUARRY_ASSIGN_OR_RETURN(ChildRun run, RunChild({quarry_path, "search", "--data", spec.data_dir,
                                                  "--collection", spec.collection, query}));
  return boost::json::object{
      {"cold", cold},
      {"wall_ms", Millis(static_cast<double>(run.spawn_ns), static_cast<double>(run.exit_ns))},
      {"load", LoadAverage()}};
}

Result<boost::json::object> RunProbeMode(const ProbeSpec& spec, const std::string& mode,
                                         bool cold) {
  if (cold) QUARRY_RETURN_IF_ERROR(DropPageCache());
  QUARRY_ASSIGN_OR_RETURN(ChildRun run, RunChild({spec.probe_path, mode, "--data", spec.data_dir,
                                                  "--collection", spec.collection}));
  QUARRY_ASSIGN_OR_RETURN(boost::json::object o, ParseObject(run.out, "bench_storage_probe"));
  o["cold"] = cold;
  o["wall_ms"] = Millis(static_cast<double>(run.spawn_ns), static_cast<double>(run.exit_ns));
  o["load"] = LoadAverage();
  return o;
}

}  // namespace quarry::bench
