#include "ingest/pdf/pdf_fork_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "ingest/pdf/pdf_child_limits.h"
#include "ingest/pdf/pdf_fork_protocol.h"
#include "ingest/pdf/pdf_helper_run.h"
#include "ingest/pdf/poppler_extract.h"
#include "ingest/pdf/unique_fd.h"

namespace quarry::ingest {
namespace {

using Clock = std::chrono::steady_clock;

// A one-page PDF with a line of text, with a correct cross-reference table:
// extracting it makes poppler load what its first use loads (name-to-Unicode
// tables, iconv's UTF-16 module, fonts) once, in the server, and holding it
// open (PopplerWarmState) keeps that loaded, so that every child starts warm.
// Only this built-in file is ever parsed in the server.
std::string WarmUpPdf() {
  const char* objects[] = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
       "/Resources << /Font << /F1 5 0 R >> >> >>"),
      "<< /Length 38 >>\nstream\nBT /F1 12 Tf 20 100 Td (warm up) Tj ET\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  };
  std::string pdf = "%PDF-1.4\n";
  std::string xref = "xref\n0 6\n0000000000 65535 f \n";
  for (int i = 0; i < 5; ++i) {
    char entry[32];
    std::snprintf(entry, sizeof(entry), "%010zu 00000 n \n", pdf.size());
    xref += entry;
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref_at = pdf.size();
  pdf += xref + "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref_at) +
         "\n%%EOF\n";
  return pdf;
}

bool Send(int socket_fd, PdfForkReplyKind kind, int32_t value) {
  PdfForkReply reply;
  reply.kind = kind;
  reply.value = value;
  for (;;) {
    if (::send(socket_fd, &reply, sizeof(reply), MSG_NOSIGNAL) == sizeof(reply)) return true;
    if (errno != EINTR) return false;
  }
}

// In the forked child: nothing of the server's but the three descriptors,
// default signal handling, its own process group, death with the server;
// then one helper run. Single-threaded parent, so any code may run here.
[[noreturn]] void RunChild(pid_t server, const PdfLimits& limits, const int fds[3]) {
  ::setpgid(0, 0);
  // If the server dies (killed by the parent when it stops answering), so
  // does this child; checked again after setting it, for a server that died
  // before.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != server) ::_exit(kPdfHelperExitIO);
  for (int target = 0; target < 3; ++target) {
    if (::dup2(fds[target], target) < 0) ::_exit(kPdfHelperExitIO);
  }
  if (::close_range(3, ~0U, 0) != 0) ::_exit(kPdfHelperExitIO);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::_exit(RunPdfHelper(limits));
}

// Waits for `child` to end, killing its group at `deadline`, or at once if
// the parent goes away (its end of the socket closes or sends anything
// before the reply). Reaps it. Returns the reply; sets *parent_gone.
PdfForkReply AwaitChild(int socket_fd, pid_t child, Clock::time_point deadline, bool* parent_gone) {
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, child, 0)));
  bool timed_out = false;
  for (;;) {
    siginfo_t info{};
    // WNOWAIT: a zombie keeps its pid and group, so the kill below cannot
    // reach a reused one.
    if (::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == child) {
      break;
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    // At most a minute per poll: a limit of days must not overflow an int.
    long long wait_ms = std::min<long long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1, 60'000);
    pollfd fds[2] = {{socket_fd, POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
    const nfds_t n = pidfd.get() >= 0 ? 2 : 1;
    if (pidfd.get() < 0) wait_ms = std::min<long long>(wait_ms, 5);
    const int ready = ::poll(fds, n, static_cast<int>(wait_ms));
    if (ready > 0 && fds[0].revents != 0) {
      *parent_gone = true;
      break;
    }
  }
  // Anything left in its group (RLIMIT_NPROC forbids it) would hold the
  // parent's pipes open.
  ::kill(-child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  PdfForkReply reply;
  if (timed_out) {
    reply.kind = PdfForkReplyKind::kTimedOut;
  } else if (WIFSIGNALED(status)) {
    reply.kind = PdfForkReplyKind::kSignaled;
    reply.value = WTERMSIG(status);
  } else {
    reply.kind = PdfForkReplyKind::kExited;
    reply.value = WEXITSTATUS(status);
  }
  return reply;
}

// Receives one request and its descriptors (close-on-exec, so that nothing
// else could inherit them). 0 = the parent closed the socket, 1 = a request,
// -1 = a protocol error.
int Receive(int socket_fd, PdfForkRequest* request, UniqueFd fds[3]) {
  iovec iov{request, sizeof(*request)};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kPdfForkRequestFds)];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  while ((n = ::recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (n == 0) return 0;
  int received = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (received < kPdfForkRequestFds) {
        fds[received++] = UniqueFd(fd);
      } else {
        ::close(fd);
      }
    }
  }
  if (n != sizeof(*request) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 ||
      received != kPdfForkRequestFds || request->magic != kPdfForkMagic ||
      request->version != kPdfForkVersion) {
    return -1;
  }
  return 1;
}

}  // namespace

int RunPdfForkServer(int socket_fd) {
  // Not dumpable: a compromised child (same user) cannot ptrace the server
  // and through it reach the next files. Replies use MSG_NOSIGNAL; SIGPIPE
  // is ignored for anything else, and reset in every child.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  ::signal(SIGPIPE, SIG_IGN);
  // Warm, and kept warm: the held document keeps poppler's global state
  // built for every child (without it, each child built it again: most of
  // a small PDF's extraction).
  const std::string warm_up = WarmUpPdf();
  const PopplerWarmState warm(warm_up);
  (void)ExtractPdfInProcess(warm_up, PdfLimits{});
  const pid_t self = ::getpid();
  if (!Send(socket_fd, PdfForkReplyKind::kReady, 0)) return 1;
  for (;;) {
    PdfForkRequest request;
    UniqueFd fds[kPdfForkRequestFds];
    const int got = Receive(socket_fd, &request, fds);
    if (got == 0) return 0;
    if (got < 0) return 1;
    PdfLimits limits;
    limits.max_pages = request.max_pages;
    limits.max_chars = request.max_chars;
    limits.memory_bytes = request.memory_bytes;
    limits.timeout_ms = request.timeout_ms;
    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(limits.timeout_ms);
    const pid_t child = ::fork();
    if (child == 0) {
      const int raw[3] = {fds[0].get(), fds[1].get(), fds[2].get()};
      RunChild(self, limits, raw);
    }
    if (child < 0) {
      if (!Send(socket_fd, PdfForkReplyKind::kForkFailed, errno)) return 1;
      continue;
    }
    // The parent sees end of file on the pipes only once no process but
    // the child holds their write ends.
    for (UniqueFd& fd : fds) fd.Close();
    ::setpgid(child, child);  // also done by the child; whichever runs first
    bool parent_gone = false;
    const PdfForkReply reply = AwaitChild(socket_fd, child, deadline, &parent_gone);
    if (parent_gone) return 0;
    if (!Send(socket_fd, reply.kind, reply.value)) return 1;
  }
}

}  // namespace quarry::ingest
