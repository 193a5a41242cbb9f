// ParallelFor: runs fn(0) .. fn(n - 1) on up to `threads` threads, the
// caller's included, and returns when every call has returned. Items are
// claimed one at a time from a shared counter, so uneven items (a long PDF
// beside short notes) balance themselves.
//
// Threads are started per call: meant for calls whose items cost far more
// than starting a thread (tens of microseconds), such as chunking and
// analyzing a request's documents. fn must not throw.
//
// Thread-safety: fn runs concurrently with itself on distinct indexes.
#ifndef QUARRY_BASE_PARALLEL_FOR_H_
#define QUARRY_BASE_PARALLEL_FOR_H_

#include <cstddef>
#include <functional>

namespace quarry {

void ParallelFor(size_t n, size_t threads, const std::function<void(size_t)>& fn);

// Threads for ingestion work: QUARRY_INGEST_THREADS when set to a positive
// number (read once; the benchmark's one-thread baseline), else one per core
// this process may run on (its CPU affinity: taskset, a container's cpuset).
size_t IngestThreads();

}  // namespace quarry

#endif  // QUARRY_BASE_PARALLEL_FOR_H_
