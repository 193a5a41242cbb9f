#include "ingest/pdf/pdf_helper_run.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <new>
#include <string>

#include "ingest/pdf/pdf_child_limits.h"
#include "ingest/pdf/pdf_frame.h"
#include "ingest/pdf/poppler_extract.h"

namespace quarry::ingest {
namespace {

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

int RunPdfHelper(const PdfLimits& limits) {
  const Status limited = ApplyPdfChildLimits(limits);
  if (!limited.ok()) {
    std::fprintf(stderr, "quarry-pdf-extract: %s\n", limited.ToString().c_str());
    return kPdfHelperExitIO;
  }
  EndProcessWhenOutOfMemory();
  return ExtractPdfFromStdio(limits);
}

void EndProcessWhenOutOfMemory() {
  // A failed operator new ends the process at once with a code the parent
  // reads as "out of memory" (poppler's own malloc wrapper prints "Out of
  // memory" and aborts, which the parent recognizes too).
  std::set_new_handler(OnOutOfMemory);
}

int ExtractPdfFromStdio(const PdfLimits& limits, bool* refused) {
  std::string pdf;
  if (!ReadAll(STDIN_FILENO, &pdf)) {
    std::perror("quarry-pdf-extract: reading stdin");
    return kPdfHelperExitIO;
  }
  const Result<PdfText> text = ExtractPdfInProcess(pdf, limits);
  if (refused != nullptr) *refused = !text.ok();
  const std::string frame = EncodePdfFrame(text);
  if (!WriteAll(STDOUT_FILENO, frame)) {
    std::perror("quarry-pdf-extract: writing stdout");
    return kPdfHelperExitIO;
  }
  return 0;
}

}  // namespace quarry::ingest
