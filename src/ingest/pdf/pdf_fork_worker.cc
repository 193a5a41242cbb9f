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

bool PeakResidentAbove(uint64_t bytes) {
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
  if (::getppid() != server || socket_fd <= kDevNullFd) ::_exit(kPdfHelperExitIO);
  const int dev_null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  const int null_fds[kPdfForkRequestFds] = {dev_null, dev_null, dev_null};
  if (dev_null < 0 || ::dup2(socket_fd, kSocketFd) < 0 || !Redirect(null_fds) ||
      ::dup2(0, kDevNullFd) < 0 || ::close_range(kDevNullFd + 1, ~0U, 0) != 0) {
    ::_exit(kPdfHelperExitIO);
  }
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (!ApplyPdfChildLimits(limits, files).ok()) ::_exit(kPdfHelperExitIO);
  EndProcessWhenOutOfMemory();

  const int idle_fds[kPdfForkRequestFds] = {kDevNullFd, kDevNullFd, kDevNullFd};
  for (uint32_t done = 0;;) {
    PdfForkRequest request;
    UniqueFd fds[kPdfForkRequestFds];
    const int got = ReceivePdfForkRequest(kSocketFd, &request, fds);
    if (got <= 0) ::_exit(got == 0 ? 0 : kPdfHelperExitIO);
    const int raw[kPdfForkRequestFds] = {fds[0].get(), fds[1].get(), fds[2].get()};
    if (!Redirect(raw)) ::_exit(kPdfHelperExitIO);
    for (UniqueFd& fd : fds) fd.Close();
    PdfLimits file_limits = limits;
    file_limits.max_pages = request.max_pages;
    file_limits.max_chars = request.max_chars;
    file_limits.timeout_ms = request.timeout_ms;
    if (done > 0 && !SetPdfFileCpuBudget(file_limits).ok()) ::_exit(kPdfHelperExitIO);
    const int code = ExtractPdfFromStdio(file_limits);
    // Let go of the request's pipes: the parent reads them to end of file.
    if (!Redirect(idle_fds)) ::_exit(kPdfHelperExitIO);
    ++done;
    const bool retire =
        done >= files || code != 0 || PeakResidentAbove(kPdfWorkerRetireResidentBytes);
    const PdfForkReplyKind kind =
        retire ? PdfForkReplyKind::kDoneRetiring : PdfForkReplyKind::kDone;
    if (!SendPdfForkReply(kSocketFd, kind, code) || retire) ::_exit(0);
  }
}

}  // namespace quarry::ingest
