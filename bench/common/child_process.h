// Running other programs from a benchmark: one that runs to completion and
// whose standard output is captured (RunChild), and one that keeps running
// beside the benchmark, a server, until it is stopped (BackgroundProcess).
//
// Thread-safety: RunChild may be called from any thread; it forks.
// BackgroundProcess::Start forks too, so call it while the benchmark runs no
// other threads; a BackgroundProcess is then used by one thread at a time.
#ifndef QUARRY_BENCH_COMMON_CHILD_PROCESS_H_
#define QUARRY_BENCH_COMMON_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"

namespace quarry::bench {

struct ChildRun {
  std::string out;       // everything it wrote to stdout
  int64_t spawn_ns = 0;  // MonotonicNanos() just before the spawn
  int64_t exit_ns = 0;   // MonotonicNanos() once it was reaped
};

// Runs argv[0] (a path) with `argv`; stderr is inherited. An exit status
// other than 0, or a signal, is an error naming the program.
Result<ChildRun> RunChild(const std::vector<std::string>& argv);

// A program running beside the benchmark. Its stdout and stderr go to files
// (a server that logs every request would block on a full pipe nobody
// reads). It gets SIGTERM if the benchmark dies, and the destructor stops it.
class BackgroundProcess {
 public:
  // Starts argv[0], looked up on PATH when it holds no '/'.
  static Result<std::unique_ptr<BackgroundProcess>> Start(const std::vector<std::string>& argv,
                                                          const std::string& stdout_path,
                                                          const std::string& stderr_path);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }

  // The first line of its stdout that contains `needle`, once written. An
  // error if the process exits first or `timeout` passes, with the end of
  // its stderr.
  Result<std::string> WaitForLine(std::string_view needle, std::chrono::milliseconds timeout);

  // False once it has exited (it is then reaped).
  bool Running();

  // Sends `signal` (SIGSTOP and SIGCONT freeze and thaw it).
  Status Signal(int signal);

  // SIGCONT then SIGTERM; SIGKILL if it is still there after `grace`.
  // Returns how it ended: "exit 0", "signal 15", ... Idempotent.
  std::string Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // The last `bytes` of its stderr file, for error messages.
  std::string StderrTail(size_t bytes = 2000) const;

 private:
  BackgroundProcess(pid_t pid, std::string name, std::string stdout_path, std::string stderr_path)
      : pid_(pid),
        name_(std::move(name)),
        stdout_path_(std::move(stdout_path)),
        stderr_path_(std::move(stderr_path)) {}

  pid_t pid_;
  std::string name_;
  std::string stdout_path_;
  std::string stderr_path_;
  bool reaped_ = false;
  std::string ending_;  // how it ended, once reaped
};

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_COMMON_CHILD_PROCESS_H_
