// quarry-pdf-extract: the sandboxed PDF helper. Not for people: Quarry runs it
// (pdf_sandbox.h) with the limits on its command line and the PDF on stdin, and
// reads one frame (pdf_frame.h) from its stdout.
//
// Order matters: the limits are applied before a byte of input is read, so
// nothing the PDF contains runs without them.
//
// By hand: `quarry-pdf-extract < doc.pdf | xxd`. Its stdout must be a pipe:
// with RLIMIT_FSIZE = 0, writing to a regular file kills it with SIGXFSZ.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "ingest/pdf/pdf_child_limits.h"
#include "ingest/pdf/pdf_frame.h"
#include "ingest/pdf/poppler_extract.h"

namespace {

using namespace quarry::ingest;

[[noreturn]] void OnOutOfMemory() { ::_exit(kPdfHelperExitOutOfMemory); }

bool ReadAll(int fd, std::string* out) {
  // One allocation of the right size when stdin is a file (it is: a PDF file
  // or a memfd), rather than doubling to twice the PDF's size.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    out->reserve(static_cast<size_t>(st.st_size));
  }
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n == 0) return true;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    out->append(buf, static_cast<size_t>(n));
  }
}

bool WriteAll(int fd, const std::string& data) {
  for (size_t done = 0; done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const quarry::Result<PdfLimits> limits =
      ParsePdfHelperArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (!limits.ok()) {
    std::fprintf(stderr, "quarry-pdf-extract: %s\n", limits.status().ToString().c_str());
    return kPdfHelperExitUsage;
  }
  const quarry::Status limited = ApplyPdfChildLimits(*limits);
  if (!limited.ok()) {
    std::fprintf(stderr, "quarry-pdf-extract: %s\n", limited.ToString().c_str());
    return kPdfHelperExitIO;
  }
  // A failed operator new ends the process at once with a code the parent
  // reads as "out of memory" (poppler's own malloc wrapper prints "Out of
  // memory" and aborts, which the parent recognizes too).
  std::set_new_handler(OnOutOfMemory);

  std::string pdf;
  if (!ReadAll(STDIN_FILENO, &pdf)) {
    std::perror("quarry-pdf-extract: reading stdin");
    return kPdfHelperExitIO;
  }
  const std::string frame = EncodePdfFrame(ExtractPdfInProcess(pdf, *limits));
  if (!WriteAll(STDOUT_FILENO, frame)) {
    std::perror("quarry-pdf-extract: writing stdout");
    return kPdfHelperExitIO;
  }
  return 0;
}
