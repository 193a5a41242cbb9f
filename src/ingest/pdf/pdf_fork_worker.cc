#include "ingest/pdf/pdf_fork_worker.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ingest/pdf/pdf_child_limits.h"
#include "ingest/pdf/pdf_fork_messages.h"
#include "ingest/pdf/pdf_helper_run.h"

namespace quarry::ingest {
namespace {

// Descriptors of a worker: 0-2 a request's files (or /dev/null between
// requests), then these two; nothing else.
constexpr int kSocketFd = 3;
constexpr int kDevNullFd = 4;

// Points descriptors 0-2 at `fds` (a request's), or at /dev/null.
bool Redirect(const int fds[kPdfForkRequestFds]) {
  for (int target = 0; target < kPdfForkRequestFds; ++target) {
    if (::dup2(fds[target], target) < 0) return false;
  }
  return true;
}

// Never under AddressSanitizer, whose quarantine keeps freed memory
// resident on purpose.
bool PeakResidentAbove(uint64_t bytes) {
  if (!PdfMemoryLimitSupported()) return false;
  rusage usage{};
  return ::getrusage(RUSAGE_SELF, &usage) == 0 &&
         static_cast<uint64_t>(usage.ru_maxrss) * 1024 > bytes;
}

}  // namespace

void RunPdfForkWorker(pid_t server, int socket_fd, const PdfLimits& limits, uint32_t files) {
  ::setpgid(0, 0);
  // If the server dies (killed by the parent when it stops answering), so
  // does this worker; checked again after setting it, for a server that died
  // before.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != server) ::_exit(kPdfWorkerExitBroken);
  // Out of the way of 0-4 first, wherever the two descriptors came from.
  const int socket_high = ::fcntl(socket_fd, F_DUPFD_CLOEXEC, kDevNullFd + 1);
  const int dev_null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  const int null_high = dev_null < 0 ? -1 : ::fcntl(dev_null, F_DUPFD_CLOEXEC, kDevNullFd + 1);
  const int null_fds[kPdfForkRequestFds] = {null_high, null_high, null_high};
  if (socket_high < 0 || null_high < 0 || ::dup2(socket_high, kSocketFd) < 0 ||
      ::dup2(null_high, kDevNullFd) < 0 || !Redirect(null_fds) ||
      ::close_range(kDevNullFd + 1, ~0U, 0) != 0) {
    ::_exit(kPdfWorkerExitBroken);
  }
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (!ApplyPdfChildLimits(limits, files).ok()) ::_exit(kPdfWorkerExitBroken);
  EndProcessWhenOutOfMemory();
  // Set up: from here an ending is a PDF's doing, unless it says otherwise.
  if (!SendPdfForkReply(kSocketFd, PdfForkReplyKind::kReady, 0)) ::_exit(kPdfWorkerExitBroken);

  const int idle_fds[kPdfForkRequestFds] = {kDevNullFd, kDevNullFd, kDevNullFd};
  for (uint32_t done = 0;;) {
    PdfForkRequest request;
    UniqueFd fds[kPdfForkRequestFds];
    const int got = ReceivePdfForkRequest(kSocketFd, &request, fds);
    if (got <= 0) ::_exit(got == 0 ? 0 : kPdfWorkerExitBroken);
    const int raw[kPdfForkRequestFds] = {fds[0].get(), fds[1].get(), fds[2].get()};
    if (!Redirect(raw)) ::_exit(kPdfWorkerExitBroken);
    for (UniqueFd& fd : fds) fd.Close();
    // Its memory limit is this worker's (the server forks another for
    // another one).
    const PdfLimits file_limits = PdfLimitsOf(request);
    bool refused = false;
    const int code = ExtractPdfFromStdio(file_limits, &refused);
    // Let go of the request's pipes: the parent reads them to end of file.
    if (!Redirect(idle_fds)) ::_exit(kPdfWorkerExitBroken);
    ++done;
    // A refused PDF (one poppler could not read, or over a limit) is the
    // likeliest to have left the heap damaged: no file follows it here.
    const bool retire =
        done >= files || code != 0 || refused || PeakResidentAbove(kPdfWorkerRetireResidentBytes);
    // The next file's CPU budget now, before the reply: a SIGXCPU still due
    // for this file then ends the worker before the server moves on.
    if (!retire && !SetPdfFileCpuBudget(file_limits).ok()) ::_exit(kPdfWorkerExitBroken);
    const PdfForkReplyKind kind =
        retire ? PdfForkReplyKind::kDoneRetiring : PdfForkReplyKind::kDone;
    if (!SendPdfForkReply(kSocketFd, kind, code)) ::_exit(kPdfWorkerExitBroken);
    if (retire) ::_exit(code);
  }
}

}  // namespace quarry::ingest
