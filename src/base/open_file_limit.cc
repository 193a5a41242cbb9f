#include "base/open_file_limit.h"

#include <sys/resource.h>

namespace quarry {
namespace {

constexpr rlim_t kUnlimitedTarget = rlim_t{1} << 20;

}  // namespace

uint64_t RaiseOpenFileLimit() {
  struct rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  // An unlimited hard limit still stops at the kernel's fs.nr_open
  // (1,048,576 by default), and asking for more fails.
  const rlim_t target = limit.rlim_max == RLIM_INFINITY ? kUnlimitedTarget : limit.rlim_max;
  if (limit.rlim_cur < target) {
    struct rlimit raised = limit;
    raised.rlim_cur = target;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

}  // namespace quarry
