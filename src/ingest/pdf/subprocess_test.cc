#include "ingest/pdf/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "base/testing/temp_dir.h"
#include "ingest/pdf/pdf_test_support.h"

namespace quarry::ingest {
namespace {

using End = SubprocessResult::End;

// Every test must leave no child behind, running or zombie.
class SubprocessTest : public ::testing::Test {
 protected:
  // No helper is left behind, running or zombie, whatever happened.
  void TearDown() override { testing::ExpectNoChildLeft(); }
  SubprocessSpec Shell(const std::string& script) {
    SubprocessSpec spec;
    spec.executable = "/bin/sh";
    spec.args = {"-c", script};
    spec.timeout = std::chrono::milliseconds(10'000);
    return spec;
  }
};

TEST_F(SubprocessTest, CollectsStdoutStderrAndExitCode) {
  Result<SubprocessResult> r = RunSubprocess(Shell("printf out; printf err >&2; exit 7"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->end, End::kExited);
  EXPECT_EQ(r->exit_code, 7);
  EXPECT_EQ(r->out, "out");
  EXPECT_EQ(r->err, "err");
}

TEST_F(SubprocessTest, StdinComesFromTheGivenDescriptor) {
  quarry::testing::TempDir dir;
  testing::WriteFile(dir.Sub("in"), "from the file");
  const int fd = ::open(dir.Sub("in").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  SubprocessSpec spec = Shell("cat");
  spec.stdin_fd = fd;
  Result<SubprocessResult> r = RunSubprocess(spec);
  ::close(fd);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "from the file");
  // Without one, stdin is /dev/null.
  r = RunSubprocess(Shell("cat"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "");
}

TEST_F(SubprocessTest, NoOtherDescriptorIsInherited) {
  const int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose
  ASSERT_GE(leaked, 3);
  Result<SubprocessResult> r =
      RunSubprocess(Shell("test -e /proc/self/fd/" + std::to_string(leaked) + " && echo leaked"));
  ::close(leaked);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "");
}

TEST_F(SubprocessTest, StderrIsCapped) {
  SubprocessSpec spec = Shell("head -c 100000 /dev/zero >&2; printf done");
  spec.max_stderr_bytes = 10;
  Result<SubprocessResult> r = RunSubprocess(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->err.size(), 10u);
  EXPECT_EQ(r->out, "done");
}

TEST_F(SubprocessTest, EndlessOutputIsCutAndKilled) {
  SubprocessSpec spec = Shell("exec cat /dev/zero");
  spec.max_stdout_bytes = 1 << 20;
  Result<SubprocessResult> r = RunSubprocess(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->end, End::kOutputTooLarge);
}

TEST_F(SubprocessTest, DeadlineKillsTheWholeGroup) {
  quarry::testing::TempDir dir;
  // A grandchild that would outlive the child and hold the pipes open.
  SubprocessSpec spec = Shell("sleep 60 & echo $! > " + dir.Sub("pid") + "; exec sleep 60");
  spec.timeout = std::chrono::milliseconds(300);
  Result<SubprocessResult> r = RunSubprocess(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->end, End::kTimedOut);
  const std::string pid = testing::ReadFile(dir.Sub("pid"));
  ASSERT_FALSE(pid.empty());
  // The grandchild was killed too: within a few seconds it is gone, or a
  // zombie waiting for its new parent (SIGKILL is delivered asynchronously).
  const std::string proc = "/proc/" + pid.substr(0, pid.size() - 1) + "/stat";
  bool dead = false;
  for (int i = 0; i < 500 && !dead; ++i) {
    const std::string stat = testing::ReadFile(proc);
    dead = stat.empty() || stat.find(") Z ") != std::string::npos;
    if (!dead) ::usleep(10'000);
  }
  EXPECT_TRUE(dead) << testing::ReadFile(proc);
}

TEST_F(SubprocessTest, ExitedChildWithLingeringGrandchildEndsPromptly) {
  // The child exits, a grandchild keeps stdout open: the group is killed at the
  // child's exit instead of waiting for the deadline.
  SubprocessSpec spec = Shell("sleep 60 & printf bye");
  spec.timeout = std::chrono::milliseconds(60'000);
  Result<SubprocessResult> r = RunSubprocess(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->end, End::kExited);
  EXPECT_EQ(r->out, "bye");
}

TEST_F(SubprocessTest, ReportsTheKillingSignal) {
  Result<SubprocessResult> r = RunSubprocess(Shell("kill -SEGV $$"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->end, End::kSignaled);
  EXPECT_EQ(r->term_signal, SIGSEGV);
  EXPECT_EQ(SignalDescription(SIGSEGV), "SIGSEGV (Segmentation fault)");
}

TEST_F(SubprocessTest, MissingExecutable) {
  SubprocessSpec spec;
  spec.executable = "/nonexistent/helper";
  Result<SubprocessResult> r = RunSubprocess(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/helper"), std::string::npos);
}

}  // namespace
}  // namespace quarry::ingest
