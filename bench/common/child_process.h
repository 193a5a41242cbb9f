// Runs another program and captures its standard output, with the moments
// it was spawned and reaped on the machine-wide monotonic clock.
//
// Thread-safety: RunChild may be called from any thread; it forks.
#ifndef QUARRY_BENCH_COMMON_CHILD_PROCESS_H_
#define QUARRY_BENCH_COMMON_CHILD_PROCESS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "quarry/status.h"

namespace quarry::bench {

struct ChildRun {
  std::string out;       // everything it wrote to stdout
  int64_t spawn_ns = 0;  // MonotonicNanos() just before the spawn
  int64_t exit_ns = 0;   // MonotonicNanos() once it was reaped
};

// Runs argv[0] (a path) with `argv`; stderr is inherited. An exit status
// other than 0, or a signal, is an error naming the program.
Result<ChildRun> RunChild(const std::vector<std::string>& argv);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_COMMON_CHILD_PROCESS_H_
