#include "base/open_file_limit.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace quarry {
namespace {

TEST(OpenFileLimitTest, RaisesTheSoftLimitToTheHardOne) {
  struct rlimit before;
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  if (before.rlim_max <= 256)
    GTEST_SKIP() << "hard limit " << before.rlim_max << ": nothing to raise";
  // Start below the hard limit, so that there is something to raise.
  struct rlimit lowered = before;
  lowered.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);

  const uint64_t raised = RaiseOpenFileLimit();

  struct rlimit after;
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_max, before.rlim_max);  // the hard limit is never touched
  EXPECT_EQ(raised, after.rlim_cur);
  if (before.rlim_max == RLIM_INFINITY) {
    EXPECT_GT(after.rlim_cur, 256u);  // up to fs.nr_open
  } else {
    EXPECT_EQ(after.rlim_cur, before.rlim_max);
  }
  EXPECT_GT(after.rlim_cur, 256u);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &before), 0);
}

}  // namespace
}  // namespace quarry
