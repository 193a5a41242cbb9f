// Everything measured for one engine on one dataset, and the function that
// measures it: build (timed, with memory before and after), then an ef sweep
// per thread count, then the filtered sweeps.
//
// RunEngine is meant to run inside RunIsolated (process.h): the resident
// memory it reports is the growth of its own process.
//
// Thread-safety: RunEngine starts and joins its own threads.
#ifndef QUARRY_BENCH_ANN_ENGINE_RUN_H_
#define QUARRY_BENCH_ANN_ENGINE_RUN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "datasets.h"
#include "engine.h"
#include "sweep.h"

namespace quarry::bench {

struct RunOptions {
  BuildConfig build;  // metric is taken from the dataset
  std::vector<size_t> search_threads = {1, 2};
  SweepOptions sweep;             // threads is set per run
  size_t filter_threads = 1;      // filtered sweeps run on this many threads only
  size_t flat_max_queries = 200;  // the exact scan is timed on this many queries
  // Oversampling values swept for quarry-int8 and quarry-bq (0 = index default).
  std::vector<float> int8_oversampling = {0};
  std::vector<float> bq_oversampling = {2, 4, 8, 16};
};

struct ThreadSweep {
  size_t threads = 1;
  std::vector<SweepPoint> points;
};

struct FilterSweep {
  double fraction = 0;
  size_t allowed_rows = 0;
  size_t threads = 1;
  std::vector<SweepPoint> points;
};

struct EngineRun {
  std::string engine;
  std::string dataset;
  std::string details;
  std::string error;  // set when the build failed or the child died
  double build_s = 0;
  IndexMemory memory;
  int64_t rss_delta_bytes = 0;       // resident growth across the build
  int64_t peak_rss_delta_bytes = 0;  // peak resident during the build, minus before
  std::vector<ThreadSweep> sweeps;
  std::vector<FilterSweep> filtered;
  // The machine's 1-minute load average when the sweeps ended: above the
  // thread count, other work was competing for the cores.
  double load_average = 0;
};

EngineRun RunEngine(const std::string& engine_name, const Dataset& ds,
                    const std::vector<FilteredTruth>& filters, const RunOptions& options);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_ENGINE_RUN_H_
