// Running an untrusted helper process to completion, with a deadline: spawn
// it in its own process group with chosen stdin, collect its stdout (up to a
// cap) and the start of its stderr, kill the whole group when time is up or
// the output is too large, and always reap it, so no zombie is left.
//
// Spawning uses posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK) + exec), safe
// in a multithreaded process and cheap in a large one: nothing runs in the
// child between the clone and the exec but glibc's own code. The child gets
// default signal dispositions, an empty signal mask, and no descriptor of the
// parent except stdin, stdout and stderr.
//
// Thread-safety: RunSubprocess may be called from several threads at once;
// each call owns its child. It blocks the calling thread until the child is
// reaped (at most the timeout plus the time to kill): call it from a worker
// pool, not from an IO thread.
#ifndef QUARRY_INGEST_PDF_SUBPROCESS_H_
#define QUARRY_INGEST_PDF_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "quarry/status.h"

namespace quarry::ingest {

struct SubprocessSpec {
  std::string executable;         // a path; PATH is not searched
  std::vector<std::string> args;  // argv[1...]
  int stdin_fd = -1;              // dup'ed to the child's stdin; -1 = /dev/null
  std::chrono::milliseconds timeout{30'000};
  size_t max_stdout_bytes = 1 << 20;  // more than this kills the child
  size_t max_stderr_bytes = 4096;     // stderr past this is read and dropped
};

struct SubprocessResult {
  enum class End {
    kExited,          // exit_code is set
    kSignaled,        // term_signal is set (a signal nobody here sent)
    kTimedOut,        // killed by us at the deadline
    kOutputTooLarge,  // killed by us when stdout passed max_stdout_bytes
  };
  End end = End::kExited;
  int exit_code = 0;
  int term_signal = 0;
  std::string out;                       // stdout, whole when end is kExited or kSignaled
  std::string err;                       // the first max_stderr_bytes of stderr
  std::chrono::microseconds elapsed{0};  // spawn to reap
};

// Runs the child to its end. Fails only if it cannot be started: NotFound if
// the executable does not exist, FailedPrecondition if it cannot be executed,
// IOError for pipes or other system errors. Everything the child does is
// reported in the SubprocessResult.
Result<SubprocessResult> RunSubprocess(const SubprocessSpec& spec);

// Starts `executable` with `args` in its own process group, with default
// signal dispositions, an empty signal mask, and only the given descriptors
// as its 0, 1 and 2 (-1 = /dev/null). Returns its pid; the caller must reap
// it. Errors as for RunSubprocess.
Result<pid_t> SpawnChild(const std::string& executable, const std::vector<std::string>& args,
                         int stdin_fd, int stdout_fd, int stderr_fd);

// Reads what is available from the non-blocking `fd` into `sink`, keeping at
// most `keep` bytes in it; `*total` counts every byte read. Returns false at
// end of file or on an error.
bool DrainFd(int fd, std::string* sink, size_t keep, size_t* total);

// "SIGSEGV (Segmentation fault)" for SIGSEGV, and so on.
std::string SignalDescription(int signal_number);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_SUBPROCESS_H_
