// Cold and warm starts of one storage variant, each in a new process:
// the probe (bench_storage_probe: open, first answer, a pass over every
// query, warm passes) and, as a check from outside, `quarry search`
// (process start to exit). "Cold" means the page cache was dropped just
// before the process was spawned.
//
// Thread-safety: functions; each spawns and waits for its child.
#ifndef QUARRY_BENCH_STORAGE_STARTUP_RUN_H_
#define QUARRY_BENCH_STORAGE_STARTUP_RUN_H_

#include <string>

#include <boost/json/object.hpp>

#include "quarry/status.h"

namespace quarry::bench {

struct ProbeSpec {
  std::string probe_path;  // bench_storage_probe
  std::string data_dir;
  std::string collection;
  std::string queries_file;
  uint32_t warm_passes = 2;
  std::string mode = "hybrid";  // the probe's --mode
};

// How a probe run starts.
enum class StartKind {
  kCold,     // page cache dropped just before the spawn
  kWarm,     // page cache as the previous run left it
  kEvicted,  // warm, and the probe pages out its file mappings once open
};

// One probe run. The probe's JSON with, added: "cold", "evicted", "spawn_ns",
// "exit_ns", "start_to_open_ms", "start_to_first_ms", "exec_ms" (spawn to
// main()) and "load".
// REQUIRES for kCold: DropPageCache() works (the caller checked).
Result<boost::json::object> RunProbe(const ProbeSpec& spec, StartKind kind);

// `quarry search --data D --collection C QUERY`: {"cold", "wall_ms", "load"}.
Result<boost::json::object> RunCliSearch(const std::string& quarry_path, const ProbeSpec& spec,
                                         const std::string& query, bool cold);

// The probe's --breakdown or --file-scan mode (`mode`), on a cold cache if
// `cold`.
Result<boost::json::object> RunProbeMode(const ProbeSpec& spec, const std::string& mode, bool cold);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_STORAGE_STARTUP_RUN_H_
