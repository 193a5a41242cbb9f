// What a Linux process can learn about itself and the machine for a fair
// measurement: memory (/proc/self/status), disk traffic
// (/proc/self/io), page faults and CPU time (getrusage), the load average,
// a system-wide monotonic clock shared by parent and child processes, and
// dropping the page cache.
//
// Thread-safety: every function may be called from any thread.
#ifndef QUARRY_BENCH_COMMON_PROC_STATS_H_
#define QUARRY_BENCH_COMMON_PROC_STATS_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

#include "quarry/status.h"

namespace quarry::bench {

// Memory of this process, in bytes (/proc/self/status). VmRSS = RssAnon +
// RssFile + RssShmem: RssFile counts pages of mapped files that this process
// has touched (the kernel may reclaim them), RssAnon its own heap.
struct MemoryStats {
  uint64_t rss = 0;       // VmRSS
  uint64_t hwm = 0;       // VmHWM: peak VmRSS
  uint64_t rss_anon = 0;  // RssAnon
  uint64_t rss_file = 0;  // RssFile
};
MemoryStats ReadMemoryStats();
// The same for another process (/proc/<pid>/status); zeros if it is gone.
MemoryStats ReadMemoryStats(pid_t pid);

// Resident bytes (smaps "Rss") of this process's file mappings, summed per
// file, for the files whose path starts with `prefix` (a canonical
// directory): which file of a collection the resident pages belong to.
std::map<std::string, uint64_t> MappedResidentBytesByFile(const std::string& prefix);

// Bytes of each regular file under `dir` (recursively, keyed by its path
// under `dir`) that sit in the page cache (mincore(2) over a fresh mapping,
// which faults nothing in): what the kernel holds for the files, counted in
// no process's resident memory unless mapped and touched. Files that cannot
// be mapped are skipped; empty files are left out.
std::map<std::string, uint64_t> PageCachedBytesByFile(const std::string& dir);

// Cumulative counters of this process since it started.
struct ProcessCounters {
  uint64_t read_bytes = 0;    // /proc/self/io read_bytes: bytes fetched from the disk
  uint64_t write_bytes = 0;   // /proc/self/io write_bytes: bytes sent to the disk
  uint64_t major_faults = 0;  // page faults that waited for the disk
  uint64_t minor_faults = 0;
  double user_s = 0;  // CPU time of all threads
  double system_s = 0;
};
ProcessCounters ReadProcessCounters();
ProcessCounters operator-(const ProcessCounters& a, const ProcessCounters& b);

// CLOCK_MONOTONIC in nanoseconds: the same clock in every process of the
// machine, so a child's timestamps can be compared with its parent's.
int64_t MonotonicNanos();

// The 1-minute load average (/proc/loadavg); 0 if unreadable.
double LoadAverage();

// sync(), then drops the page cache, dentries and inodes
// (echo 3 > /proc/sys/vm/drop_caches). Needs root; FailedPrecondition
// otherwise. Pages mapped by live processes stay cached.
Status DropPageCache();

// "Intel Xeon ..., 2 hardware threads".
std::string MachineDescription();

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_COMMON_PROC_STATS_H_
