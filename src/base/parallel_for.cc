#include "base/parallel_for.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

namespace quarry {

void ParallelFor(size_t n, size_t threads, const std::function<void(size_t)>& fn) {
  threads = std::max<size_t>(1, std::min(threads, n));
  if (threads == 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto drain = [&] {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) fn(i);
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) helpers.emplace_back(drain);
  drain();
  for (std::thread& t : helpers) t.join();
}

size_t IngestThreads() {
  static const size_t threads = [] {
    if (const char* s = std::getenv("QUARRY_INGEST_THREADS")) {
      char* end = nullptr;
      const long v = std::strtol(s, &end, 10);
      if (end != s && *end == '\0' && v > 0 && v <= 1024) return static_cast<size_t>(v);
    }
    // The cores this process may run on (taskset, cpusets), not the machine's.
    cpu_set_t cpus;
    if (::sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) > 0) {
      return static_cast<size_t>(CPU_COUNT(&cpus));
    }
    return static_cast<size_t>(std::max(1u, std::thread::hardware_concurrency()));
  }();
  return threads;
}

}  // namespace quarry
