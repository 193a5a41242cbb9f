// Runs one engine over a list of search settings and measures, for each,
// recall@k and queries per second.
//
// How a point is measured (docs/design/ann-benchmark.md):
//   1. Configure the engine (ef, oversampling); not timed.
//   2. Warm-up: the first `warmup_queries` queries (every query for the
//      first point of a sweep), once, on one thread.
//   3. `repetitions` timed passes over all queries. With T threads, thread t
//      takes the t-th contiguous share of the queries; the clock runs from
//      releasing the threads (already started and waiting) to the last one
//      finishing. QPS = queries / the fastest pass (the least disturbed by
//      other work on the machine).
//   4. Recall from the results of the first timed pass (recall.h).
// Each pass also sums the CPU time of the search threads: queries per CPU
// second is far less disturbed than wall-clock QPS when other processes
// compete for the cores, so it is reported beside it.
// Settings are ef values, for each oversampling value when the engine uses
// one; an ef below k * oversampling is raised to it (the rescored candidates
// must fit in the list), and each effective ef is measured once. Within an
// oversampling value, larger ef values are skipped once recall reaches
// `stop_recall`, or once doubling ef gained less than 0.0005 recall (a
// plateau): they cannot improve QPS at any reported recall.
//
// Thread-safety: starts and joins its own threads; the engine must not be
// used by anyone else meanwhile.
#ifndef QUARRY_BENCH_ANN_SWEEP_H_
#define QUARRY_BENCH_ANN_SWEEP_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "datasets.h"
#include "engine.h"

namespace quarry::bench {

struct SweepPoint {
  SearchSetting setting;
  double recall = 0;
  double qps = 0;      // queries / wall-clock seconds (the fastest pass)
  double cpu_qps = 0;  // queries / CPU seconds of the search threads (the thriftiest pass)
  size_t queries = 0;
  size_t filter_violations = 0;
  size_t invalid = 0;
  std::string error;  // set when the engine failed at this point
};

struct SweepOptions {
  std::vector<uint32_t> efs;
  std::vector<float> oversampling;  // used only if the engine uses oversampling
  size_t k = 10;
  size_t threads = 1;
  size_t repetitions = 3;
  size_t warmup_queries = 200;
  size_t max_queries = 0;  // 0 = all
  double stop_recall = 0.995;
};

std::vector<SweepPoint> RunSweep(Engine& engine, const Dataset& ds, const GroundTruth& truth,
                                 const std::vector<uint32_t>* allowed, const SweepOptions& options);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_SWEEP_H_
