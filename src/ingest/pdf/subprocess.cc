#include "ingest/pdf/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "ingest/pdf/unique_fd.h"

extern char** environ;

namespace quarry::ingest {
namespace {

using Clock = std::chrono::steady_clock;

std::string Errno(const char* what) { return std::string(what) + ": " + ::strerror(errno); }

// A pidfd for `pid` (Linux 5.3+), or -1: then the loop below polls with a
// short tick and asks waitid without reaping.
int OpenPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

bool HasExited(pid_t pid) {
  siginfo_t info{};
  // WNOWAIT: the child stays a zombie, so its pid and process group cannot
  // be reused before we kill the group and reap it.
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return true;  // ECHILD cannot happen for our own unreaped child; stop waiting
  }
  return info.si_pid == pid;
}

// posix_spawn's attributes and file actions, destroyed on every path.
class SpawnSetup {
 public:
  SpawnSetup() {
    ::posix_spawnattr_init(&attr_);
    ::posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnSetup() {
    ::posix_spawnattr_destroy(&attr_);
    ::posix_spawn_file_actions_destroy(&actions_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  posix_spawnattr_t* attr() { return &attr_; }
  posix_spawn_file_actions_t* actions() { return &actions_; }

 private:
  posix_spawnattr_t attr_;
  posix_spawn_file_actions_t actions_;
};

}  // namespace

bool DrainFd(int fd, std::string* sink, size_t keep, size_t* total) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n > 0) {
      *total += static_cast<size_t>(n);
      if (sink->size() < keep)
        sink->append(buf, std::min(static_cast<size_t>(n), keep - sink->size()));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;  // 0 = end of file; other errors end the stream too
  }
}

Result<pid_t> SpawnChild(const std::string& executable, const std::vector<std::string>& args,
                         int stdin_fd, int stdout_fd, int stderr_fd) {
  SpawnSetup setup;
  const int fds[3] = {stdin_fd, stdout_fd, stderr_fd};
  for (int target = 0; target < 3; ++target) {
    if (fds[target] >= 0) {
      ::posix_spawn_file_actions_adddup2(setup.actions(), fds[target], target);
    } else {
      ::posix_spawn_file_actions_addopen(setup.actions(), target, "/dev/null",
                                         target == 0 ? O_RDONLY : O_WRONLY, 0);
    }
  }
  // Descriptors the parent opened without O_CLOEXEC (sockets, segment files)
  // stay out of the child too.
  ::posix_spawn_file_actions_addclosefrom_np(setup.actions(), 3);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  ::posix_spawnattr_setsigmask(setup.attr(), &none);
  ::posix_spawnattr_setsigdefault(setup.attr(), &all);
  ::posix_spawnattr_setpgroup(setup.attr(), 0);  // its own group: we kill all of it
  ::posix_spawnattr_setflags(
      setup.attr(), POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(executable.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  const int rc =
      ::posix_spawn(&pid, executable.c_str(), setup.actions(), setup.attr(), argv.data(), environ);
  if (rc != 0) {
    const std::string why = executable + ": " + ::strerror(rc);
    if (rc == ENOENT) return Status::NotFound("cannot start " + why);
    if (rc == EACCES || rc == ENOEXEC || rc == EPERM) {
      return Status::FailedPrecondition("cannot start " + why);
    }
    return Status::IOError("cannot start " + why);
  }
  return pid;
}

std::string SignalDescription(int signal_number) {
  const char* abbrev = ::sigabbrev_np(signal_number);
  const char* desc = ::sigdescr_np(signal_number);
  std::string out =
      abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(signal_number);
  if (desc != nullptr) out += std::string(" (") + desc + ")";
  return out;
}

Result<SubprocessResult> RunSubprocess(const SubprocessSpec& spec) {
  int out_pipe[2];
  int err_pipe[2];
  // O_CLOEXEC: children spawned by other threads meanwhile must not inherit
  // the write ends, or our reads would never see end of file.
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Status::IOError(Errno("pipe2"));
  UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return Status::IOError(Errno("pipe2"));
  UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);

  const Clock::time_point start = Clock::now();
  QUARRY_ASSIGN_OR_RETURN(const pid_t pid, SpawnChild(spec.executable, spec.args, spec.stdin_fd,
                                                      out_write.get(), err_write.get()));
  out_write.Close();
  err_write.Close();
  ::fcntl(out_read.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(err_read.get(), F_SETFL, O_NONBLOCK);
  UniqueFd pidfd(OpenPidFd(pid));

  SubprocessResult result;
  const Clock::time_point deadline = start + spec.timeout;
  bool out_open = true, err_open = true, exited = false, killed = false;
  size_t out_total = 0, err_total = 0;
  const auto kill_group = [&] {
    // The child is not reaped yet (at worst a zombie), so its process group
    // id still names only its own group.
    ::kill(-pid, SIGKILL);
    killed = true;
  };
  while (out_open || err_open || !exited) {
    const Clock::time_point now = Clock::now();
    if (!killed && now >= deadline) {
      kill_group();
      result.end = SubprocessResult::End::kTimedOut;
      break;
    }
    pollfd fds[3];
    nfds_t n = 0;
    int out_slot = -1, err_slot = -1, pid_slot = -1;
    if (out_open) fds[out_slot = static_cast<int>(n++)] = {out_read.get(), POLLIN, 0};
    if (err_open) fds[err_slot = static_cast<int>(n++)] = {err_read.get(), POLLIN, 0};
    if (!exited && pidfd.get() >= 0)
      fds[pid_slot = static_cast<int>(n++)] = {pidfd.get(), POLLIN, 0};
    auto wait_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    if (!exited && pidfd.get() < 0) wait_ms = std::min<long long>(wait_ms, 5);
    const int ready = ::poll(fds, n, static_cast<int>(wait_ms));
    if (ready < 0 && errno != EINTR) {
      kill_group();
      result.end = SubprocessResult::End::kTimedOut;  // cannot watch it any more
      break;
    }
    if (ready <= 0 && pidfd.get() >= 0) continue;
    if (out_slot >= 0 && fds[out_slot].revents != 0) {
      out_open = DrainFd(out_read.get(), &result.out, spec.max_stdout_bytes + 1, &out_total);
      if (out_total > spec.max_stdout_bytes) {
        kill_group();
        result.end = SubprocessResult::End::kOutputTooLarge;
        break;
      }
    }
    if (err_slot >= 0 && fds[err_slot].revents != 0) {
      err_open = DrainFd(err_read.get(), &result.err, spec.max_stderr_bytes, &err_total);
    }
    if (!exited && (pid_slot >= 0 ? fds[pid_slot].revents != 0 : HasExited(pid))) {
      exited = true;
      // Anything it left behind in its group (it should have none) would hold
      // the pipes open; end it so that end of file comes.
      ::kill(-pid, SIGKILL);
    }
  }

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  if (killed) {
    result.out.clear();
    return result;
  }
  if (WIFSIGNALED(status)) {
    result.end = SubprocessResult::End::kSignaled;
    result.term_signal = WTERMSIG(status);
  } else {
    result.end = SubprocessResult::End::kExited;
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace quarry::ingest
