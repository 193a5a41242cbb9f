#include "ingest/pdf/pdf_child_limits.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "base/testing/temp_dir.h"

namespace quarry::ingest {
namespace {

TEST(PdfChildLimitsTest, ArgumentsRoundTrip) {
  PdfLimits limits;
  limits.max_pages = 7;
  limits.max_chars = 123456789012;
  limits.memory_bytes = 3ull << 30;
  limits.timeout_ms = 4500;
  Result<PdfLimits> back = ParsePdfHelperArgs(PdfHelperArgs(limits));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->max_pages, 7u);
  EXPECT_EQ(back->max_chars, 123456789012u);
  EXPECT_EQ(back->memory_bytes, 3ull << 30);
  EXPECT_EQ(back->timeout_ms, 4500u);
  EXPECT_TRUE(ParsePdfHelperArgs({}).ok());  // the defaults
}

TEST(PdfChildLimitsTest, BadArgumentsAreRefused) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--max-pages"},
                                             {"--max-pages", "x"},
                                             {"--max-pages", "-1"},
                                             {"--max-pages", "4294967296"},
                                             {"--max-pages", ""},
                                             {"--bogus", "1"},
                                             {"--timeout-ms", "10s"}}) {
    Result<PdfLimits> r = ParsePdfHelperArgs(args);
    EXPECT_FALSE(r.ok()) << args[0];
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

// Exit codes of the forked child below: which check failed.
enum Check { kApplied = 10, kCpu, kFsize, kNofile, kCore, kAs, kMap, kWrite, kNoNewPrivs };

TEST(PdfChildLimitsTest, LimitsAreReallyApplied) {
  quarry::testing::TempDir dir;
  const std::string file = dir.Sub("written");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // In the child: only system calls and _exit from here on.
    PdfLimits limits;
    limits.memory_bytes = 512ull << 20;
    limits.timeout_ms = 2500;
    if (!ApplyPdfChildLimits(limits).ok()) ::_exit(kApplied);
    struct rlimit r {};
    ::getrlimit(RLIMIT_CPU, &r);
    if (r.rlim_cur != 4 || r.rlim_max != 5) ::_exit(kCpu);  // ceil(2.5 s) + 1, hard + 1
    ::getrlimit(RLIMIT_FSIZE, &r);
    if (r.rlim_cur != 0) ::_exit(kFsize);
    ::getrlimit(RLIMIT_NOFILE, &r);
    if (r.rlim_cur != kPdfHelperMaxFiles) ::_exit(kNofile);
    ::getrlimit(RLIMIT_CORE, &r);
    if (r.rlim_cur != 0) ::_exit(kCore);
    if (PdfMemoryLimitSupported()) {
      ::getrlimit(RLIMIT_AS, &r);
      if (r.rlim_cur != (512ull << 20)) ::_exit(kAs);
      void* p =
          ::mmap(nullptr, 1ull << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p != MAP_FAILED) ::_exit(kMap);
    }
    ::signal(SIGXFSZ, SIG_IGN);  // so that the write fails with EFBIG instead
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT, 0600);
    if (fd >= 0 && ::write(fd, "x", 1) != -1) ::_exit(kWrite);
    if (::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) ::_exit(kNoNewPrivs);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "check " << WEXITSTATUS(status) << " failed";
}

}  // namespace
}  // namespace quarry::ingest
