// RunWorkers: runs a function on N threads that are joined before it returns.
//
// ARCHITECTURE.md says nothing spins up threads of its own; an index build
// is the documented exception (docs/design/hnsw.md): HnswConfig::build_threads
// says how many, the threads live only for one AddBatch call, and a build
// with one thread runs on the caller's thread. When the system refuses a
// thread, the work runs on fewer: workers pull tasks from a shared counter,
// so the result never depends on how many ran.
//
// Thread-safety: f is called concurrently with distinct worker indexes.
#ifndef QUARRY_VECTOR_PARALLEL_WORKERS_H_
#define QUARRY_VECTOR_PARALLEL_WORKERS_H_

#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace quarry::vector {

// Calls f(worker) for worker in [0, threads): worker 0 on the calling
// thread, the others on new threads. REQUIRES: threads >= 1.
template <typename F>
void RunWorkers(size_t threads, F&& f) {
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t w = 1; w < threads; ++w) {
    try {
      pool.emplace_back([&f, w] { f(w); });
    } catch (const std::system_error&) {
      break;  // fewer threads: the shared task counter still covers all work
    }
  }
  f(0);
  for (std::thread& t : pool) t.join();
}

// The thread count for `requested` (0 = one per core), never more than
// `tasks` / `min_tasks_per_thread` (spawning costs more than tiny work).
inline size_t WorkerCount(size_t requested, size_t tasks, size_t min_tasks_per_thread) {
  size_t n = requested != 0 ? requested : std::thread::hardware_concurrency();
  if (n == 0) n = 1;
  const size_t useful = tasks / min_tasks_per_thread;
  if (n > useful) n = useful;
  return n == 0 ? 1 : n;
}

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_PARALLEL_WORKERS_H_
