#include "common/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include "common/proc_stats.h"

extern char** environ;

namespace quarry::bench {
namespace {

// `program` itself if it names a path, else the first executable of that
// name on PATH ("" if none).
std::string FindProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string DescribeWaitStatus(int status) {
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "exit " + std::to_string(WEXITSTATUS(status));
}

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

Result<ChildRun> RunChild(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::IOError(std::string("pipe: ") + strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  ChildRun run;
  pid_t pid = 0;
  run.spawn_ns = MonotonicNanos();
  const int err = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (err != 0) {
    close(fds[0]);
    return Status::IOError("cannot run " + argv[0] + ": " + strerror(err));
  }
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_ns = MonotonicNanos();
  if (WIFSIGNALED(status)) {
    return Status::Internal(argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Internal(argv[0] + " exited with status " + std::to_string(WEXITSTATUS(status)));
  }
  return run;
}

Result<std::unique_ptr<BackgroundProcess>> BackgroundProcess::Start(
    const std::vector<std::string>& argv, const std::string& stdout_path,
    const std::string& stderr_path) {
  if (argv.empty()) return Status::InvalidArgument("no program to start");
  const std::string program = FindProgram(argv[0]);
  if (program.empty()) return Status::NotFound(argv[0] + " is not on PATH");
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0 || err < 0) {
    const std::string why = strerror(errno);
    if (out >= 0) close(out);
    if (err >= 0) close(err);
    return Status::IOError("cannot create the output files of " + argv[0] + ": " + why);
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the benchmark died before prctl
    const int in = open("/dev/null", O_RDONLY);
    if (in < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
        dup2(err, STDERR_FILENO) < 0) {
      _exit(127);
    }
    execv(program.c_str(), args.data());
    _exit(127);
  }
  const int fork_errno = errno;
  close(out);
  close(err);
  if (pid < 0) return Status::IOError("cannot fork for " + argv[0] + ": " + strerror(fork_errno));
  return std::unique_ptr<BackgroundProcess>(
      new BackgroundProcess(pid, argv[0], stdout_path, stderr_path));
}

BackgroundProcess::~BackgroundProcess() { Stop(); }

bool BackgroundProcess::Running() {
  if (reaped_) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    ending_ = DescribeWaitStatus(status);
  }
  return !reaped_;
}

Result<std::string> BackgroundProcess::WaitForLine(std::string_view needle,
                                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::string out = ReadWhole(stdout_path_);
    const size_t at = out.find(needle);
    if (at != std::string::npos) {
      const size_t begin = out.rfind('\n', at);
      const size_t end = out.find('\n', at);
      if (end != std::string::npos) {  // the whole line is there
        const size_t from = begin == std::string::npos ? 0 : begin + 1;
        return out.substr(from, end - from);
      }
    }
    if (!Running()) {
      return Status::Internal(name_ + " ended (" + ending_ + ") before printing '" +
                              std::string(needle) + "'; its stderr ends with:\n" + StderrTail());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable(name_ + " did not print '" + std::string(needle) + "' within " +
                                 std::to_string(timeout.count()) + " ms; its stderr ends with:\n" +
                                 StderrTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Status BackgroundProcess::Signal(int signal) {
  if (!Running()) return Status::FailedPrecondition(name_ + " is not running (" + ending_ + ")");
  if (kill(pid_, signal) != 0) {
    return Status::IOError("kill " + name_ + ": " + std::string(strerror(errno)));
  }
  return Status::Ok();
}

std::string BackgroundProcess::Stop(std::chrono::milliseconds grace) {
  if (!Running()) return ending_;
  kill(pid_, SIGCONT);  // a frozen process cannot act on SIGTERM
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (Running()) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    ending_ =
        DescribeWaitStatus(status) + " (after " + std::to_string(grace.count()) + " ms of SIGTERM)";
  }
  return ending_;
}

std::string BackgroundProcess::StderrTail(size_t bytes) const {
  const std::string err = ReadWhole(stderr_path_);
  return err.size() <= bytes ? err : err.substr(err.size() - bytes);
}

}  // namespace quarry::bench
