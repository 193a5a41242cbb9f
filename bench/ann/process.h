// Process-level tools for fair measurement on Linux: resident memory from
// /proc, and running one engine in a forked child.
//
// Each engine is built and measured in its own child process, so that its
// resident-memory delta is not blurred by what an earlier engine freed (the
// allocator would hand those pages back without a new fault), a crash in one
// engine does not end the run, and OpenMP (FAISS) never starts in the parent,
// whose later forks it would not survive.
//
// Thread-safety: RunIsolated must be called while the caller has no other
// threads running (fork copies only the calling thread).
#ifndef QUARRY_BENCH_ANN_PROCESS_H_
#define QUARRY_BENCH_ANN_PROCESS_H_

#include <cstddef>
#include <functional>
#include <string>

#include "quarry/status.h"

namespace quarry::bench {

// The 1-minute load average (/proc/loadavg); 0 if unreadable.
double LoadAverage();

// Resident set size now (VmRSS) and its peak since the last reset (VmHWM).
size_t ResidentBytes();
size_t PeakResidentBytes();
// Sets the peak back to the current RSS (writes 5 to /proc/self/clear_refs).
Status ResetPeakResident();

// Runs `fn` in a forked child and returns the string it produced. A child
// that crashes or exits without a result is an error naming the signal.
Result<std::string> RunIsolated(const std::function<std::string()>& fn);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_PROCESS_H_
