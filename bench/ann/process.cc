#include "process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string_view>

namespace quarry::bench {
namespace {

// A "Vm...:   1234 kB" line of /proc/self/status, in bytes; 0 if missing.
size_t StatusField(std::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
      return static_cast<size_t>(std::strtoull(line.c_str() + field.size() + 1, nullptr, 10)) *
             1024;
    }
  }
  return 0;
}

bool WriteAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

double LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  in >> one;
  return in ? one : 0;
}

size_t ResidentBytes() { return StatusField("VmRSS"); }
size_t PeakResidentBytes() { return StatusField("VmHWM"); }

Status ResetPeakResident() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  if (!out) return Status::IOError("cannot reset peak RSS through /proc/self/clear_refs");
  return Status::Ok();
}

Result<std::string> RunIsolated(const std::function<std::string()>& fn) {
  int fds[2];
  if (pipe(fds) != 0) return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  std::fflush(nullptr);  // do not let the child repeat buffered output
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::IOError(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    const std::string out = fn();
    const bool ok = WriteAll(fds[1], out.data(), out.size());
    close(fds[1]);
    std::fflush(nullptr);
    _exit(ok ? 0 : 3);
  }
  close(fds[1]);
  std::string result;
  char buf[65536];
  for (;;) {
    const ssize_t r = read(fds[0], buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    result.append(buf, static_cast<size_t>(r));
  }
  close(fds[0]);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(wstatus)) {
    return Status::Internal(std::string("child killed by signal ") +
                            std::to_string(WTERMSIG(wstatus)) + " (" +
                            strsignal(WTERMSIG(wstatus)) + ")");
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return Status::Internal("child exited with status " + std::to_string(WEXITSTATUS(wstatus)));
  }
  return result;
}

}  // namespace quarry::bench
