#include "ingest/pdf/pdf_fork_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "ingest/pdf/pdf_fork_messages.h"
#include "ingest/pdf/unique_fd.h"

namespace quarry::ingest {
namespace {

using Clock = std::chrono::steady_clock;

// How long a new server may take to load and warm up before it counts as
// broken (about 50 ms on an idle machine).
constexpr std::chrono::milliseconds kStartTimeout{3000};
// The server kills the worker at the limit; this is the time it may take
// beyond that to kill, reap and reply before the parent gives up on it.
constexpr std::chrono::milliseconds kReplyMargin{2000};
// After a failed start, spawn per PDF for this long before trying again.
constexpr std::chrono::seconds kStartBackoff{10};
// Idle servers kept; more concurrent callers than this start and end one each.
constexpr size_t kMaxIdleServers = 8;

Status ServerError(const std::string& what) {
  return Status::Unavailable("PDF fork server: " + what);
}

Status ServerErrno(const std::string& what) { return ServerError(what + ": " + ::strerror(errno)); }

// Polls `fd` for input until `deadline`. False on timeout or error.
bool WaitReadable(int fd, Clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left < 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left) + 1);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

}  // namespace

bool PdfForkServerEnabled() {
  const char* v = std::getenv("QUARRY_PDF_FORK_SERVER");
  return v == nullptr || std::string(v) != "0";
}

uint32_t PdfFilesPerWorkerFromEnv() {
  const char* v = std::getenv("QUARRY_PDF_FILES_PER_WORKER");
  return v == nullptr ? kPdfDefaultFilesPerWorker
                      : ParseFilesPerWorker(v).value_or(kPdfDefaultFilesPerWorker);
}

// One server process and our end of its socket. Destroying it kills and
// reaps the server (idle, or broken: either way nothing of value is lost; a
// worker it was running dies with it, PR_SET_PDEATHSIG).
class PdfForkServer {
 public:
  static Result<std::unique_ptr<PdfForkServer>> Start(const std::string& helper,
                                                      uint32_t files_per_worker);
  ~PdfForkServer() {
    socket_.Close();
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  PdfForkServer(const PdfForkServer&) = delete;
  PdfForkServer& operator=(const PdfForkServer&) = delete;

  pid_t pid() const { return pid_; }
  Result<SubprocessResult> Run(int pdf_fd, const PdfLimits& limits, size_t max_stdout_bytes,
                               size_t max_stderr_bytes);

 private:
  PdfForkServer(pid_t pid, UniqueFd socket) : pid_(pid), socket_(std::move(socket)) {}

  Status SendRequest(const PdfLimits& limits, const int fds[kPdfForkRequestFds]);

  const pid_t pid_;
  UniqueFd socket_;
};

Result<std::unique_ptr<PdfForkServer>> PdfForkServer::Start(const std::string& helper,
                                                            uint32_t files_per_worker) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return ServerErrno("socketpair");
  }
  UniqueFd ours(sv[0]), theirs(sv[1]);
  QUARRY_ASSIGN_OR_RETURN(const pid_t pid, SpawnChild(helper,
                                                      {kPdfForkServerFlag, kPdfFilesPerWorkerFlag,
                                                       std::to_string(files_per_worker)},
                                                      theirs.get(), -1, -1));
  theirs.Close();
  // From here the destructor reaps it, whatever happens.
  std::unique_ptr<PdfForkServer> server(new PdfForkServer(pid, std::move(ours)));
  PdfForkReply ready;
  if (!WaitReadable(server->socket_.get(), Clock::now() + kStartTimeout) ||
      !ReadPdfForkReply(server->socket_.get(), &ready) || ready.kind != PdfForkReplyKind::kReady) {
    return ServerError(helper + " did not start as a fork server");
  }
  return server;
}

Status PdfForkServer::SendRequest(const PdfLimits& limits, const int fds[kPdfForkRequestFds]) {
  if (!SendPdfForkRequest(socket_.get(), PdfForkRequestFor(limits), fds)) {
    return ServerErrno("sending a request");
  }
  return Status::Ok();
}

Result<SubprocessResult> PdfForkServer::Run(int pdf_fd, const PdfLimits& limits,
                                            size_t max_stdout_bytes, size_t max_stderr_bytes) {
  // A descriptor of its own on the same file (a new open file description),
  // at the caller's offset: the worker's reads never move the caller's offset,
  // so a fallback after a failed exchange reads the PDF from the same place.
  const off_t offset = ::lseek(pdf_fd, 0, SEEK_CUR);
  if (offset < 0) return ServerErrno("the PDF is not seekable");
  const std::string self_path = "/proc/self/fd/" + std::to_string(pdf_fd);
  UniqueFd pdf(::open(self_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (pdf.get() < 0) return ServerErrno("reopening " + self_path);
  if (::lseek(pdf.get(), offset, SEEK_SET) != offset) return ServerErrno("lseek");

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return ServerErrno("pipe2");
  UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return ServerErrno("pipe2");
  UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);

  const Clock::time_point start = Clock::now();
  const int fds[kPdfForkRequestFds] = {pdf.get(), out_write.get(), err_write.get()};
  QUARRY_RETURN_IF_ERROR(SendRequest(limits, fds));
  // Only the worker may hold the write ends now, or end of file never comes.
  pdf.Close();
  out_write.Close();
  err_write.Close();
  ::fcntl(out_read.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(err_read.get(), F_SETFL, O_NONBLOCK);

  SubprocessResult result;
  const Clock::time_point deadline =
      start + std::chrono::milliseconds(limits.timeout_ms) + kReplyMargin;
  bool out_open = true, err_open = true, replied = false, too_large = false;
  size_t out_total = 0, err_total = 0;
  PdfForkReply reply;
  while (out_open || err_open || !replied) {
    const Clock::time_point now = Clock::now();
    if (now >= deadline) return ServerError("no answer within the limit and its margin");
    pollfd p[3];
    nfds_t n = 0;
    int out_slot = -1, err_slot = -1, reply_slot = -1;
    if (out_open) p[out_slot = static_cast<int>(n++)] = {out_read.get(), POLLIN, 0};
    if (err_open) p[err_slot = static_cast<int>(n++)] = {err_read.get(), POLLIN, 0};
    if (!replied) p[reply_slot = static_cast<int>(n++)] = {socket_.get(), POLLIN, 0};
    // At most a minute per poll: a limit of days must not overflow an int.
    const auto wait_ms = std::min<long long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1, 60'000);
    const int ready = ::poll(p, n, static_cast<int>(wait_ms));
    if (ready < 0 && errno != EINTR) return ServerErrno("poll");
    if (ready <= 0) continue;
    if (out_slot >= 0 && p[out_slot].revents != 0) {
      out_open = DrainFd(out_read.get(), &result.out, max_stdout_bytes + 1, &out_total);
      if (out_total > max_stdout_bytes) {
        // Closing our end makes the worker's next write fail with SIGPIPE;
        // the server reaps it and replies as usual.
        out_read.Close();
        out_open = false;
        too_large = true;
      }
    }
    if (err_slot >= 0 && p[err_slot].revents != 0) {
      err_open = DrainFd(err_read.get(), &result.err, max_stderr_bytes, &err_total);
    }
    if (reply_slot >= 0 && p[reply_slot].revents != 0) {
      if (!ReadPdfForkReply(socket_.get(), &reply))
        return ServerError("broken reply or connection");
      replied = true;
    }
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  switch (reply.kind) {
    case PdfForkReplyKind::kExited:
      result.end = SubprocessResult::End::kExited;
      result.exit_code = reply.value;
      break;
    case PdfForkReplyKind::kSignaled:
      result.end = SubprocessResult::End::kSignaled;
      result.term_signal = reply.value;
      break;
    case PdfForkReplyKind::kTimedOut:
      result.end = SubprocessResult::End::kTimedOut;
      break;
    case PdfForkReplyKind::kForkFailed:
      errno = reply.value;
      return ServerErrno("fork");
    default:
      return ServerError("unexpected reply");
  }
  if (too_large) result.end = SubprocessResult::End::kOutputTooLarge;
  if (result.end == SubprocessResult::End::kTimedOut ||
      result.end == SubprocessResult::End::kOutputTooLarge) {
    result.out.clear();
  }
  return result;
}

PdfForkServerPool::PdfForkServerPool(std::string helper_executable, uint32_t files_per_worker)
    : helper_(std::move(helper_executable)),
      files_per_worker_(std::clamp<uint32_t>(files_per_worker, 1, kPdfMaxFilesPerWorker)) {}

PdfForkServerPool::~PdfForkServerPool() = default;

std::unique_ptr<PdfForkServer> PdfForkServerPool::Checkout() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<PdfForkServer> server = std::move(idle_.back());
      idle_.pop_back();
      return server;
    }
    if (Clock::now() < no_start_before_) return nullptr;
  }
  Result<std::unique_ptr<PdfForkServer>> started = PdfForkServer::Start(helper_, files_per_worker_);
  if (started.ok()) return std::move(started).value();
  std::lock_guard<std::mutex> lock(mu_);
  no_start_before_ = Clock::now() + kStartBackoff;
  return nullptr;
}

void PdfForkServerPool::Return(std::unique_ptr<PdfForkServer> server) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleServers) idle_.push_back(std::move(server));
  // else: destroyed (killed and reaped) here; rare, and quick for an idle server
}

Result<SubprocessResult> PdfForkServerPool::Run(int pdf_fd, const PdfLimits& limits,
                                                size_t max_stdout_bytes, size_t max_stderr_bytes) {
  std::unique_ptr<PdfForkServer> server = Checkout();
  if (server == nullptr) return ServerError("not available");
  Result<SubprocessResult> run = server->Run(pdf_fd, limits, max_stdout_bytes, max_stderr_bytes);
  // A server that failed is dropped (killed and reaped); the next call starts another.
  if (run.ok()) Return(std::move(server));
  return run;
}

std::vector<pid_t> PdfForkServerPool::IdleServerPidsForTesting() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<pid_t> pids;
  for (const auto& server : idle_) pids.push_back(server->pid());
  return pids;
}

}  // namespace quarry::ingest
