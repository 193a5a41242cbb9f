#include "base/open_file_limit.h"

#include <sys/resource.h>

#include <cstdio>

namespace quarry {
namespace {

// The kernel's ceiling on descriptors per process (fs.nr_open).
rlim_t NrOpen() {
  rlim_t n = rlim_t{1} << 20;  // the kernel's default
  if (FILE* f = std::fopen("/proc/sys/fs/nr_open", "r")) {
    unsigned long long v = 0;
    if (std::fscanf(f, "%llu", &v) == 1 && v > 0) n = static_cast<rlim_t>(v);
    std::fclose(f);
  }
  return n;
}

}  // namespace

uint64_t RaiseOpenFileLimit() {
  struct rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  // An unlimited hard limit still stops at the kernel's fs.nr_open
  // (1,048,576 by default), and asking for more fails.
  const rlim_t target = limit.rlim_max == RLIM_INFINITY ? NrOpen() : limit.rlim_max;
  if (limit.rlim_cur < target) {
    struct rlimit raised = limit;
    raised.rlim_cur = target;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

}  // namespace quarry
