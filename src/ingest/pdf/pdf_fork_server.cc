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
#include "ingest/pdf/pdf_fork_messages.h"
#include "ingest/pdf/pdf_fork_worker.h"
#include "ingest/pdf/pdf_helper_run.h"
#include "ingest/pdf/poppler_extract.h"
#include "ingest/pdf/unique_fd.h"

namespace quarry::ingest {
namespace {

using Clock = std::chrono::steady_clock;

// A one-page PDF with a line of text, with a correct cross-reference table:
// extracting it makes poppler load what its first use loads (name-to-Unicode
// tables, iconv's UTF-16 module, fonts) once, in the server, and holding it
// open (PopplerWarmState) keeps that loaded, so that every worker starts warm.
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

// A forked worker (pdf_fork_worker.h) and the server's end of its socket.
struct Worker {
  pid_t pid = -1;
  UniqueFd socket;
  UniqueFd pidfd;  // readable once it has ended; -1 where pidfd_open is missing
  // The limits it was forked with: a request with another memory or time
  // limit gets a fresh worker.
  uint64_t memory_bytes = 0;
  uint32_t timeout_ms = 0;
};

// Kills the worker's process group and reaps it; returns its wait status.
int EndWorker(Worker* worker) {
  // Anything left in its group (RLIMIT_NPROC forbids it) would hold the
  // parent's pipes open.
  ::kill(-worker->pid, SIGKILL);
  int status = 0;
  while (::waitpid(worker->pid, &status, 0) < 0 && errno == EINTR) {
  }
  worker->pid = -1;
  worker->socket.Close();
  worker->pidfd.Close();
  return status;
}

// Polls `fd` for input for up to `timeout_ms`: > 0 if readable (or closed),
// 0 on timeout, < 0 on error.
int PollReadable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  int polled;
  while ((polled = ::poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
  }
  return polled;
}

// False once the worker has ended. WNOWAIT: a zombie keeps its pid and
// group until EndWorker reaps it, so its kill cannot reach a reused one.
bool Alive(const Worker& worker) {
  siginfo_t info{};
  return !(::waitid(P_PID, static_cast<id_t>(worker.pid), &info, WEXITED | WNOHANG | WNOWAIT) ==
               0 &&
           info.si_pid == worker.pid);
}

// How long a new worker may take to set itself up and say kReady (it runs
// no PDF before: microseconds, normally).
constexpr std::chrono::milliseconds kWorkerReadyTimeout{3000};
// An idle worker is ended after this long without a request: between two
// ingestions nothing of the last PDFs stays running.
constexpr int kWorkerIdleMs = 5000;

// Forks a worker with `limits` and waits for its kReady. False (errno set) if
// socketpair or fork failed, or the worker did not get ready (EPROTO).
bool StartWorker(pid_t self, const PdfLimits& limits, uint32_t files, Worker* worker) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return false;
  UniqueFd ours(sv[0]), theirs(sv[1]);
  const pid_t pid = ::fork();
  if (pid == 0) RunPdfForkWorker(self, theirs.get(), limits, files);
  if (pid < 0) return false;
  ::setpgid(pid, pid);  // also done by the worker; whichever runs first
  worker->pid = pid;
  worker->socket = std::move(ours);
  worker->pidfd = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  worker->memory_bytes = limits.memory_bytes;
  worker->timeout_ms = limits.timeout_ms;
  // A worker that dies here closes its end: poll sees that too.
  PdfForkReply ready;
  if (PollReadable(worker->socket.get(), static_cast<int>(kWorkerReadyTimeout.count())) <= 0 ||
      !ReadPdfForkReply(worker->socket.get(), &ready) || ready.kind != PdfForkReplyKind::kReady) {
    EndWorker(worker);
    errno = EPROTO;
    return false;
  }
  return true;
}

// Waits up to kWorkerIdleMs for the parent's next request; true if one (or
// the end of the connection) is there to read.
bool RequestWithinIdleTime(int parent_fd) { return PollReadable(parent_fd, kWorkerIdleMs) != 0; }

// How the request the worker was given ended, seen from the server.
struct Outcome {
  PdfForkReply reply;  // for the parent
  bool parent_gone = false;
};

// Waits for the worker's reply to the request just sent, killing it at
// `deadline`, or at once if the parent goes away (its end of the socket
// closes or sends anything before the reply).
Outcome AwaitWorker(int parent_fd, Worker* worker, Clock::time_point deadline) {
  Outcome out;
  // True once the worker has replied to the request; `out` is then complete.
  auto replied = [&]() {
    PdfForkReply done;
    if (!ReadPdfForkReply(worker->socket.get(), &done) ||
        (done.kind != PdfForkReplyKind::kDone && done.kind != PdfForkReplyKind::kDoneRetiring)) {
      return false;
    }
    out.reply.kind = PdfForkReplyKind::kExited;
    out.reply.value = done.value;
    if (done.kind == PdfForkReplyKind::kDoneRetiring) EndWorker(worker);  // exiting anyway
    return true;
  };
  bool timed_out = false;
  for (;;) {
    if (replied()) return out;
    // A worker that ended without a reply ended on this request (a crash, a
    // limit, a broken message); a retiring one may have replied just before
    // its exit, so look again.
    if (!Alive(*worker)) {
      if (replied()) return out;
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
    pollfd fds[3] = {{parent_fd, POLLIN, 0},
                     {worker->socket.get(), POLLIN, 0},
                     {worker->pidfd.get(), POLLIN, 0}};
    const nfds_t n = worker->pidfd.get() >= 0 ? 3 : 2;
    if (worker->pidfd.get() < 0) wait_ms = std::min<long long>(wait_ms, 5);
    const int ready = ::poll(fds, n, static_cast<int>(wait_ms));
    if (ready > 0 && fds[0].revents != 0) {
      out.parent_gone = true;
      break;
    }
  }
  const int status = EndWorker(worker);
  if (timed_out) {
    out.reply.kind = PdfForkReplyKind::kTimedOut;
  } else if (WIFSIGNALED(status)) {
    out.reply.kind = PdfForkReplyKind::kSignaled;
    out.reply.value = WTERMSIG(status);
  } else if (WEXITSTATUS(status) == kPdfWorkerExitBroken) {
    // The worker's fault, not the PDF's: the parent extracts it elsewhere.
    out.reply.kind = PdfForkReplyKind::kForkFailed;
    out.reply.value = EPROTO;
  } else {
    out.reply.kind = PdfForkReplyKind::kExited;
    out.reply.value = WEXITSTATUS(status);
  }
  return out;
}

}  // namespace

int RunPdfForkServer(int socket_fd, uint32_t files_per_worker) {
  // Not dumpable: a compromised worker (same user) cannot ptrace the server
  // and through it reach the next files. Replies use MSG_NOSIGNAL; SIGPIPE
  // is ignored for anything else, and reset in every worker.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  ::signal(SIGPIPE, SIG_IGN);
  // Warm, and kept warm: the held document keeps poppler's global state
  // built for every worker (without it, each built it again: most of a
  // small PDF's extraction).
  const std::string warm_up = WarmUpPdf();
  const PopplerWarmState warm(warm_up);
  (void)ExtractPdfInProcess(warm_up, PdfLimits{});
  const pid_t self = ::getpid();
  if (!SendPdfForkReply(socket_fd, PdfForkReplyKind::kReady, 0)) return 1;
  Worker worker;
  for (;;) {
    if (worker.pid > 0 && !RequestWithinIdleTime(socket_fd)) EndWorker(&worker);
    PdfForkRequest request;
    UniqueFd fds[kPdfForkRequestFds];
    const int got = ReceivePdfForkRequest(socket_fd, &request, fds);
    if (got <= 0) {
      if (worker.pid > 0) EndWorker(&worker);
      return got == 0 ? 0 : 1;
    }
    const PdfLimits limits = PdfLimitsOf(request);
    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(limits.timeout_ms);
    if (worker.pid > 0 && (!Alive(worker) || worker.memory_bytes != limits.memory_bytes ||
                           worker.timeout_ms != limits.timeout_ms)) {
      EndWorker(&worker);
    }
    if (worker.pid <= 0 && !StartWorker(self, limits, files_per_worker, &worker)) {
      if (!SendPdfForkReply(socket_fd, PdfForkReplyKind::kForkFailed, errno)) return 1;
      continue;
    }
    const int raw[kPdfForkRequestFds] = {fds[0].get(), fds[1].get(), fds[2].get()};
    // A worker that cannot take the request has ended (or broke): what
    // AwaitWorker reports then is how.
    (void)SendPdfForkRequest(worker.socket.get(), request, raw);
    // The parent sees end of file on the pipes only once no process but
    // the worker holds their write ends.
    for (UniqueFd& fd : fds) fd.Close();
    const Outcome outcome = AwaitWorker(socket_fd, &worker, deadline);
    if (outcome.parent_gone) return 0;
    if (!SendPdfForkReply(socket_fd, outcome.reply.kind, outcome.reply.value)) return 1;
  }
}

}  // namespace quarry::ingest
