#include "ingest/pdf/pdf_sandbox.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "ingest/pdf/pdf_child_limits.h"
#include "ingest/pdf/pdf_frame.h"
#include "ingest/pdf/subprocess.h"
#include "ingest/pdf/unique_fd.h"

namespace quarry::ingest {
namespace {

std::string Seconds(uint32_t ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

// The start of the helper's stderr kept for messages ("Out of memory").
constexpr size_t kMaxHelperStderrBytes = 4096;

std::string MiB(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// The first line of the helper's stderr, for messages.
std::string FirstLine(const std::string& err) {
  std::string line = err.substr(0, err.find('\n'));
  if (line.size() > 200) line.resize(200);
  return line;
}

// Maps how the helper ended to the outcome of the extraction.
Result<PdfText> Interpret(const SubprocessResult& run, const PdfLimits& limits,
                          uint64_t max_frame) {
  using End = SubprocessResult::End;
  const std::string memory = limits.memory_bytes != 0 && PdfMemoryLimitSupported()
                                 ? " (limit " + MiB(limits.memory_bytes) + ")"
                                 : "";
  switch (run.end) {
    case End::kTimedOut:
      return Status::ResourceExhausted("PDF extraction timed out (limit " +
                                       Seconds(limits.timeout_ms) + ")");
    case End::kOutputTooLarge:
      return Status::Internal("PDF helper wrote more than the " + std::to_string(max_frame) +
                              " bytes its limits allow");
    case End::kSignaled:
      if (run.term_signal == SIGXCPU) {
        return Status::ResourceExhausted("PDF extraction exceeded its CPU time limit (" +
                                         Seconds(limits.timeout_ms) + " + 1 s)");
      }
      if (run.term_signal == SIGABRT && run.err.find("Out of memory") != std::string::npos) {
        return Status::ResourceExhausted("PDF extraction ran out of memory" + memory);
      }
      if (run.term_signal == SIGKILL) {
        return Status::ResourceExhausted(
            "PDF helper was killed (SIGKILL), most likely by the system's out-of-memory killer");
      }
      return Status::InvalidArgument("PDF parser crashed on this file: " +
                                     SignalDescription(run.term_signal));
    case End::kExited:
      break;
  }
  switch (run.exit_code) {
    case 0:
      return DecodePdfFrame(run.out, limits);
    case kPdfHelperExitOutOfMemory:
      return Status::ResourceExhausted("PDF extraction ran out of memory" + memory);
    default:
      return Status::Internal("PDF helper failed with exit code " + std::to_string(run.exit_code) +
                              ": " + FirstLine(run.err));
  }
}

Result<PdfText> Run(int stdin_fd, const std::string& name, const PdfLimits& limits,
                    const std::string& helper_executable, PdfForkServerPool* servers) {
  const uint64_t max_frame = MaxPdfFrameSize(limits);
  if (servers != nullptr && servers->helper_executable() == helper_executable) {
    Result<SubprocessResult> forked =
        servers->Run(stdin_fd, limits, static_cast<size_t>(max_frame), kMaxHelperStderrBytes);
    if (forked.ok()) {
      Result<PdfText> text = Interpret(forked.value(), limits, max_frame);
      if (!text.ok()) return text.status().WithContext(name);
      return text;
    }
    // The server failed, not the PDF: this one gets a process of its own.
  }
  SubprocessSpec spec;
  spec.executable = helper_executable;
  spec.args = PdfHelperArgs(limits);
  spec.stdin_fd = stdin_fd;
  spec.timeout = std::chrono::milliseconds(limits.timeout_ms);
  spec.max_stdout_bytes = static_cast<size_t>(max_frame);
  spec.max_stderr_bytes = kMaxHelperStderrBytes;
  Result<SubprocessResult> run = RunSubprocess(spec);
  if (!run.ok()) {
    Status s = run.status();
    if (s.code() == StatusCode::kNotFound) {
      s = Status::FailedPrecondition(s.message() + " (the PDF helper " + kPdfHelperName +
                                     " must sit beside the quarry binary)");
    }
    return s.WithContext(name);
  }
  Result<PdfText> text = Interpret(run.value(), limits, max_frame);
  if (!text.ok()) return text.status().WithContext(name);
  return text;
}

}  // namespace

std::string DefaultPdfHelperPath() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  return (self.parent_path() / kPdfHelperName).string();
}

Result<PdfText> ExtractPdfFile(const std::string& path, const PdfLimits& limits,
                               const std::string& helper_executable, PdfForkServerPool* servers) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const std::string why = path + ": " + ::strerror(errno);
    return errno == ENOENT ? Status::NotFound(why) : Status::IOError(why);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Status::IOError(path + ": " + ::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + ": not a regular file");
  return Run(fd.get(), path, limits, helper_executable, servers);
}

Result<PdfText> ExtractPdfFd(int fd, const std::string& name, const PdfLimits& limits,
                             const std::string& helper_executable, PdfForkServerPool* servers) {
  return Run(fd, name, limits, helper_executable, servers);
}

Result<PdfText> ExtractPdfBytes(std::string_view bytes, const std::string& name,
                                const PdfLimits& limits, const std::string& helper_executable,
                                PdfForkServerPool* servers) {
  UniqueFd fd(::memfd_create("quarry-pdf", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (fd.get() < 0) return Status::IOError(name + ": memfd_create: " + ::strerror(errno));
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IOError(name + ": writing to a memfd: " + ::strerror(errno));
    done += static_cast<size_t>(n);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) {
    return Status::IOError(name + ": lseek: " + ::strerror(errno));
  }
  // The helper gets a read-only view in effect: nothing can change the bytes.
  ::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  return Run(fd.get(), name, limits, helper_executable, servers);
}

}  // namespace quarry::ingest
