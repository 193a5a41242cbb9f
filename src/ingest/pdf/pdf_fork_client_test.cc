// The fork server's own failure modes, on the real helper: a server killed
// between two extractions, many threads at once (results not crossed, no
// descriptor left open), a worker killed at its deadline, no zombie left
// under a server, workers reused up to their quota of files and replaced
// after, per-file limits in a reused worker. The outcomes shared with the spawn path are tested by
// pdf_sandbox_test.cc on both paths.
#include "ingest/pdf/pdf_fork_client.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "base/testing/temp_dir.h"
#include "ingest/pdf/pdf_child_limits.h"
#include "ingest/pdf/pdf_fork_messages.h"
#include "ingest/pdf/pdf_sandbox.h"
#include "ingest/pdf/pdf_test_support.h"
#include "ingest/pdf/test_pdfs.h"
#include "ingest/pdf/unique_fd.h"

namespace quarry::ingest {
namespace {

using testing::WriteFile;

// Descriptors open in this process.
int OpenFds() {
  int n = 0;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n - 1;  // the directory's own descriptor
}

struct Child {
  pid_t pid;
  char state;  // 'Z' = a zombie, not reaped
};

// Processes whose parent is `pid` (any state, zombies included).
std::vector<Child> ChildrenOf(pid_t pid) {
  std::vector<Child> children;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return children;
  while (const dirent* e = ::readdir(dir)) {
    const pid_t candidate = static_cast<pid_t>(std::atoi(e->d_name));
    if (candidate <= 0) continue;
    std::ifstream stat("/proc/" + std::string(e->d_name) + "/stat");
    std::string line;
    std::getline(stat, line);
    // pid (comm) state ppid ...: comm may hold spaces, so parse after ')'.
    const size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == pid) {
      children.push_back({candidate, state});
    }
  }
  ::closedir(dir);
  return children;
}

// The pid of the server's worker between two extractions: its one child,
// alive; -1 if it has none; 0 if it has more, or a zombie.
pid_t WorkerOf(pid_t server) {
  const std::vector<Child> children = ChildrenOf(server);
  if (children.empty()) return -1;
  if (children.size() > 1 || children[0].state == 'Z') return 0;
  return children[0].pid;
}

class PdfForkServerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    pool_.reset();
    testing::ExpectNoChildLeft();
  }

  std::string WritePdf(const std::string& name, const std::string& text) {
    WriteFile(dir_.Sub(name), testing::SimplePdf({text}, "T " + text));
    return dir_.Sub(name);
  }

  Result<PdfText> Extract(const std::string& path, const PdfLimits& limits = PdfLimits{}) {
    return ExtractPdfFile(path, limits, QUARRY_PDF_HELPER, pool_.get());
  }

  quarry::testing::TempDir dir_;
  std::unique_ptr<PdfForkServerPool> pool_ = std::make_unique<PdfForkServerPool>(QUARRY_PDF_HELPER);
};

TEST_F(PdfForkServerTest, OneServerServesOneThreadInTurnWithOneWorker) {
  const std::string a = WritePdf("a.pdf", "alpha");
  ASSERT_TRUE(Extract(a).ok());
  const std::vector<pid_t> first = pool_->IdleServerPidsForTesting();
  ASSERT_EQ(first.size(), 1u);
  const pid_t worker = WorkerOf(first[0]);
  ASSERT_GT(worker, 0);
  for (int i = 0; i < 3; ++i) {
    Result<PdfText> r = Extract(a);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->title, "T alpha");
  }
  EXPECT_EQ(pool_->IdleServerPidsForTesting(), first);
  EXPECT_EQ(WorkerOf(first[0]), worker);
}

TEST_F(PdfForkServerTest, WorkerIsReplacedAfterItsQuotaOfFiles) {
  pool_ = std::make_unique<PdfForkServerPool>(QUARRY_PDF_HELPER, 2);
  std::vector<pid_t> workers;
  for (int i = 0; i < 5; ++i) {
    const std::string want = "file" + std::to_string(i);
    Result<PdfText> r = Extract(WritePdf(want + ".pdf", want));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->title, "T " + want);
    const std::vector<pid_t> server = pool_->IdleServerPidsForTesting();
    ASSERT_EQ(server.size(), 1u);
    workers.push_back(WorkerOf(server[0]));
  }
  // Two files each: after the 2nd and the 4th, the worker retired and the
  // server reaped it; the 3rd and 5th started a fresh one.
  EXPECT_GT(workers[0], 0);
  EXPECT_EQ(workers[1], -1);
  EXPECT_GT(workers[2], 0);
  EXPECT_NE(workers[2], workers[0]);
  EXPECT_EQ(workers[3], -1);
  EXPECT_GT(workers[4], 0);
}

TEST_F(PdfForkServerTest, OneFilePerWorkerLeavesNoProcessBetweenFiles) {
  pool_ = std::make_unique<PdfForkServerPool>(QUARRY_PDF_HELPER, 1);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Extract(WritePdf("a.pdf", "alpha")).ok());
    const std::vector<pid_t> server = pool_->IdleServerPidsForTesting();
    ASSERT_EQ(server.size(), 1u);
    EXPECT_TRUE(ChildrenOf(server[0]).empty());
  }
}

TEST_F(PdfForkServerTest, EachRequestBringsItsOwnPageAndCharacterLimits) {
  WriteFile(dir_.Sub("two.pdf"), testing::SimplePdf({"page one", "page two"}, "Two"));
  ASSERT_TRUE(Extract(WritePdf("a.pdf", "alpha")).ok());
  const pid_t server = pool_->IdleServerPidsForTesting().at(0);
  const pid_t worker = WorkerOf(server);
  ASSERT_GT(worker, 0);
  PdfLimits two_pages;
  two_pages.max_pages = 2;
  Result<PdfText> r = Extract(dir_.Sub("two.pdf"), two_pages);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages.size(), 2u);
  // The same worker, now with one page allowed: refused.
  ASSERT_EQ(WorkerOf(server), worker);
  PdfLimits one_page;
  one_page.max_pages = 1;
  r = Extract(dir_.Sub("two.pdf"), one_page);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  PdfLimits few_chars;
  few_chars.max_chars = 5;
  r = Extract(dir_.Sub("two.pdf"), few_chars);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  r = Extract(dir_.Sub("two.pdf"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages.size(), 2u);
}

TEST(PdfForkMessagesTest, FilesPerWorkerIsAWholeNumberInRange) {
  EXPECT_EQ(ParseFilesPerWorker("1"), 1u);
  EXPECT_EQ(ParseFilesPerWorker("64"), 64u);
  EXPECT_EQ(ParseFilesPerWorker(std::to_string(kPdfMaxFilesPerWorker)), kPdfMaxFilesPerWorker);
  for (const char* bad : {"", "0", "-1", "+5", "12abc", " 3", "1000001", "99999999999", "1.5"}) {
    EXPECT_FALSE(ParseFilesPerWorker(bad).has_value()) << bad;
  }
}

TEST(PdfForkMessagesTest, ARequestCarriesTheFourLimits) {
  PdfLimits limits;
  limits.max_pages = 7;
  limits.max_chars = 1234;
  limits.memory_bytes = 99 << 20;
  limits.timeout_ms = 4321;
  const PdfLimits back = PdfLimitsOf(PdfForkRequestFor(limits));
  EXPECT_EQ(back.max_pages, 7u);
  EXPECT_EQ(back.max_chars, 1234u);
  EXPECT_EQ(back.memory_bytes, uint64_t{99} << 20);
  EXPECT_EQ(back.timeout_ms, 4321u);
}

TEST_F(PdfForkServerTest, ForkServerRefusesABadQuotaOfFiles) {
  for (const char* bad : {"0", "x", "5x"}) {
    SubprocessSpec spec;
    spec.executable = QUARRY_PDF_HELPER;
    spec.args = {kPdfForkServerFlag, kPdfFilesPerWorkerFlag, bad};
    Result<SubprocessResult> r = RunSubprocess(spec);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->exit_code, kPdfHelperExitUsage) << bad;
    EXPECT_NE(r->err.find("must be 1 to"), std::string::npos) << r->err;
  }
}

TEST_F(PdfForkServerTest, RefusedPdfRetiresItsWorker) {
  ASSERT_TRUE(Extract(WritePdf("a.pdf", "alpha")).ok());
  const pid_t server = pool_->IdleServerPidsForTesting().at(0);
  const pid_t worker = WorkerOf(server);
  ASSERT_GT(worker, 0);
  WriteFile(dir_.Sub("broken.pdf"), "%PDF-1.4\nthis is not a PDF body\n");
  ASSERT_FALSE(Extract(dir_.Sub("broken.pdf")).ok());
  // No file follows a refused one in the same worker.
  EXPECT_EQ(WorkerOf(server), -1);
  Result<PdfText> r = Extract(WritePdf("b.pdf", "beta"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->title, "T beta");
  const pid_t next = WorkerOf(server);
  EXPECT_GT(next, 0);
  EXPECT_NE(next, worker);
}

TEST_F(PdfForkServerTest, AnotherMemoryLimitGetsAFreshWorker) {
  const std::string a = WritePdf("a.pdf", "alpha");
  ASSERT_TRUE(Extract(a).ok());
  const pid_t server = pool_->IdleServerPidsForTesting().at(0);
  const pid_t worker = WorkerOf(server);
  PdfLimits other;
  other.memory_bytes = PdfLimits{}.memory_bytes / 2;
  ASSERT_TRUE(Extract(a, other).ok());
  const pid_t next = WorkerOf(server);
  EXPECT_GT(next, 0);
  EXPECT_NE(next, worker);
}

TEST_F(PdfForkServerTest, IdleWorkerIsEnded) {
  ASSERT_TRUE(Extract(WritePdf("a.pdf", "alpha")).ok());
  const pid_t server = pool_->IdleServerPidsForTesting().at(0);
  ASSERT_GT(WorkerOf(server), 0);
  // The server ends it after 5 s without a request.
  for (int i = 0; i < 100 && WorkerOf(server) != -1; ++i) ::usleep(100'000);
  EXPECT_EQ(WorkerOf(server), -1);
  ASSERT_TRUE(Extract(WritePdf("b.pdf", "beta")).ok());
  EXPECT_GT(WorkerOf(server), 0);
}

TEST_F(PdfForkServerTest, WorkerKilledBetweenFilesIsNotBlamedOnTheNext) {
  const std::string a = WritePdf("a.pdf", "alpha");
  ASSERT_TRUE(Extract(a).ok());
  const pid_t server = pool_->IdleServerPidsForTesting().at(0);
  const pid_t worker = WorkerOf(server);
  ASSERT_GT(worker, 0);
  ASSERT_EQ(::kill(worker, SIGKILL), 0);
  // Dead (a zombie the server has not reaped yet) before the next request.
  for (int i = 0; i < 2000 && WorkerOf(server) > 0; ++i) ::usleep(1000);
  ASSERT_EQ(WorkerOf(server), 0);
  Result<PdfText> r = Extract(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(pool_->IdleServerPidsForTesting(), std::vector<pid_t>{server});
  const pid_t next = WorkerOf(server);
  EXPECT_GT(next, 0);
  EXPECT_NE(next, worker);
}

TEST_F(PdfForkServerTest, ServerKilledBetweenTwoExtractions) {
  const std::string a = WritePdf("a.pdf", "alpha");
  ASSERT_TRUE(Extract(a).ok());
  const std::vector<pid_t> before = pool_->IdleServerPidsForTesting();
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(::kill(before[0], SIGKILL), 0);
  // The dead server fails this exchange: the PDF falls back to a spawned
  // helper and still succeeds; the server is reaped and replaced next time.
  Result<PdfText> r = Extract(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->title, "T alpha");
  EXPECT_TRUE(pool_->IdleServerPidsForTesting().empty());
  r = Extract(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::vector<pid_t> after = pool_->IdleServerPidsForTesting();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after[0], before[0]);
}

TEST_F(PdfForkServerTest, ManyThreadsAtOnceWithoutCrossedResultsOrLeakedDescriptors) {
  pool_.reset();
  const int fds_before = OpenFds();
  pool_ = std::make_unique<PdfForkServerPool>(QUARRY_PDF_HELPER);
  constexpr int kThreads = 4, kEach = 10;
  std::vector<std::string> paths;
  for (int i = 0; i < kThreads * kEach; ++i) {
    paths.push_back(WritePdf("p" + std::to_string(i) + ".pdf", "text" + std::to_string(i)));
  }
  std::vector<int> right(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t * kEach; i < (t + 1) * kEach; ++i) {
        Result<PdfText> r = Extract(paths[i]);
        const std::string want = "text" + std::to_string(i);
        if (r.ok() && r->title == "T " + want && r->pages.size() == 1 &&
            r->pages[0].find(want) != std::string::npos) {
          ++right[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int n : right) EXPECT_EQ(n, kEach);
  const std::vector<pid_t> servers = pool_->IdleServerPidsForTesting();
  EXPECT_GE(servers.size(), 1u);
  EXPECT_LE(servers.size(), static_cast<size_t>(kThreads));
  for (pid_t server : servers) EXPECT_GT(WorkerOf(server), 0) << server;
  pool_.reset();
  EXPECT_EQ(OpenFds(), fds_before);
}

TEST_F(PdfForkServerTest, ChildThatRunsOverIsKilledAtTheDeadline) {
  // 4 GiB of zeros: the child works far past 500 ms; the server kills its
  // group at the deadline, reaps it, and goes on serving.
  PdfLimits limits;
  limits.timeout_ms = 500;
  WriteFile(dir_.Sub("zeros.pdf"), testing::FlateBombPdf(64ull << 20, 64, false));
  ASSERT_TRUE(Extract(WritePdf("warm.pdf", "warm")).ok());
  const std::vector<pid_t> server = pool_->IdleServerPidsForTesting();
  ASSERT_EQ(server.size(), 1u);
  Result<PdfText> r = Extract(dir_.Sub("zeros.pdf"), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  EXPECT_NE(r.status().message().find("timed out (limit 500 ms)"), std::string::npos);
  // The same server answered (it did not need replacing); the worker it
  // killed is reaped, and none has been forked since.
  EXPECT_EQ(pool_->IdleServerPidsForTesting(), server);
  EXPECT_TRUE(ChildrenOf(server[0]).empty());
  EXPECT_TRUE(Extract(WritePdf("after.pdf", "after")).ok());
}

TEST_F(PdfForkServerTest, OffsetOfTheCallersDescriptorIsUnchanged) {
  const std::string a = WritePdf("a.pdf", "alpha");
  UniqueFd fd(::open(a.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_GE(fd.get(), 0);
  Result<PdfText> r = ExtractPdfFd(fd.get(), "a.pdf", PdfLimits{}, QUARRY_PDF_HELPER, pool_.get());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(::lseek(fd.get(), 0, SEEK_CUR), 0);
}

TEST_F(PdfForkServerTest, HelperThatCannotServeFallsBackToSpawning) {
  const std::string fake = dir_.Sub("fake-helper");
  WriteFile(fake, "#!/bin/sh\nexit 9\n");
  ::chmod(fake.c_str(), 0755);
  PdfForkServerPool pool(fake);
  // The spawned helper's own outcome, not a server error.
  Result<PdfText> r = ExtractPdfFile(WritePdf("a.pdf", "alpha"), PdfLimits{}, fake, &pool);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exit code 9"), std::string::npos) << r.status().ToString();
  EXPECT_TRUE(pool.IdleServerPidsForTesting().empty());
}

// A fake fork server (Python) that speaks the protocol but misbehaves in the
// way `mode` names; run without --fork-server (the fallback) it is a helper
// that exits with code 9, so a fallback is visible in the outcome.
class FakeForkServerTest : public PdfForkServerTest {
 protected:
  std::string FakeServer(const std::string& mode) {
    const std::string path = dir_.Sub("fake-server-" + mode);
    WriteFile(path, std::string("#!") + QUARRY_PYTHON3 + R"(
import os, signal, socket, struct, sys, time
MODE = ")" + mode + R"("
if sys.argv[1:2] != ["--fork-server"]:
    sys.exit(9)
s = socket.socket(fileno=0)
def reply(kind, value=0):
    s.send(struct.pack("<IIIi", 0x4b525146, 1, kind, value))
reply(0)
while True:
    msg, fds, _, _ = socket.recv_fds(s, 64, 3)
    if not msg:
        sys.exit(0)
    pdf, out, err = fds
    if MODE == "flood":
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            while True:
                os.write(out, bytes(65536))
    for fd in fds:
        os.close(fd)
    if MODE == "flood":
        _, status = os.waitpid(pid, 0)
        reply(2, os.WTERMSIG(status))
    elif MODE == "segv":
        reply(2, signal.SIGSEGV)
    elif MODE == "timeout":
        reply(3)
    elif MODE == "silent":
        time.sleep(60)
    elif MODE == "garbage":
        s.send(b"no reply")
    elif MODE == "die":
        sys.exit(1)
)");
    ::chmod(path.c_str(), 0755);
    return path;
  }

  Result<PdfText> ExtractWith(const std::string& helper, const PdfLimits& limits = PdfLimits{}) {
    PdfForkServerPool pool(helper);
    Result<PdfText> r = ExtractPdfFile(WritePdf("x.pdf", "x"), limits, helper, &pool);
    idle_after_ = pool.IdleServerPidsForTesting().size();
    return r;
  }

  void ExpectFailure(const Result<PdfText>& r, StatusCode code, const std::string& what) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find("x.pdf: "), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status().message();
  }

  size_t idle_after_ = 0;
};

TEST_F(FakeForkServerTest, OutputPastTheCapIsCutAndReportedAsTooLarge) {
  PdfLimits limits;
  limits.max_chars = 1000;
  // The parent closes its end; the child dies of SIGPIPE; the server reports it.
  ExpectFailure(ExtractWith(FakeServer("flood"), limits), StatusCode::kInternal, "wrote more than");
  EXPECT_EQ(idle_after_, 1u);
}

TEST_F(FakeForkServerTest, EndingsReportedByTheServerMapAsForASpawnedHelper) {
  ExpectFailure(ExtractWith(FakeServer("segv")), StatusCode::kInvalidArgument,
                "PDF parser crashed on this file: SIGSEGV");
  ExpectFailure(ExtractWith(FakeServer("timeout")), StatusCode::kResourceExhausted, "timed out");
}

TEST_F(FakeForkServerTest, BrokenServersFallBackToSpawningForThatPdf) {
  // Each fails the exchange; the PDF is then extracted by a spawned helper
  // (the fake one exits 9), and the server is killed and reaped, not kept.
  PdfLimits limits;
  limits.timeout_ms = 200;  // the parent waits for the limit plus its margin
  for (const char* mode : {"silent", "garbage", "die"}) {
    SCOPED_TRACE(mode);
    ExpectFailure(ExtractWith(FakeServer(mode), limits), StatusCode::kInternal, "exit code 9");
    EXPECT_EQ(idle_after_, 0u);
  }
}

}  // namespace
}  // namespace quarry::ingest
