// PDF text extraction in a sandboxed helper process: the only way the rest of
// Quarry reads a PDF.
//
// Each call spawns the helper (`quarry-pdf-extract`, installed beside the
// `quarry` binary), which puts resource limits on itself (pdf_child_limits.h),
// reads the PDF from its stdin, runs poppler (poppler_extract.h) and writes one
// checksummed frame (pdf_frame.h) to its stdout. The parent enforces the
// wall-clock limit, caps the output, kills and reaps the helper on every path,
// and validates the frame as untrusted input. A helper that crashes, hangs or
// runs out of memory fails that one file. docs/design/pdf-extraction.md.
//
// Errors name the file (`name: reason`):
//   InvalidArgument    not a PDF; damaged PDF; the parser crashed on it
//                      (with the signal, e.g. "SIGSEGV (Segmentation fault)")
//   NotSupported       encrypted PDF (a password is required)
//   ResourceExhausted  too many pages; too much text; out of memory (limit);
//                      timed out (limit); CPU time limit
//   NotFound / IOError the file cannot be opened or read
//   FailedPrecondition the helper cannot be started (missing, not executable)
//   Internal           the helper broke the protocol (malformed frame, too
//                      much output, unexpected exit code)
//
// With a PdfForkServerPool (pdf_fork_client.h) for the same helper, the PDF
// goes to a worker forked from a warm fork server instead of a spawned
// process: the same limits without the exec and dynamic loading, and a
// worker extracts several PDFs in turn (isolated from Quarry, not from each
// other: pdf_fork_worker.h); when a server fails, that call spawns as
// without a pool.
//
// Thread-safety: safe to call from several threads at once (one helper per
// call). Each call blocks its thread for as long as the helper runs (at most
// limits.timeout_ms plus the time to kill it): call from the CPU pool.
#ifndef QUARRY_INGEST_PDF_PDF_SANDBOX_H_
#define QUARRY_INGEST_PDF_PDF_SANDBOX_H_

#include <string>
#include <string_view>

#include "ingest/pdf/pdf_fork_client.h"
#include "ingest/pdf/pdf_text.h"
#include "quarry/status.h"

namespace quarry::ingest {

// The helper's file name.
inline constexpr char kPdfHelperName[] = "quarry-pdf-extract";

// The helper beside the running executable (the directory of /proc/self/exe).
// Empty if that cannot be read.
std::string DefaultPdfHelperPath();

// `servers`, if not null and for `helper_executable`, runs the helper (see
// above); it must outlive the call.
//
// Extracts the PDF at `path` (its descriptor becomes the helper's stdin; the
// file is not read by the parent).
Result<PdfText> ExtractPdfFile(const std::string& path, const PdfLimits& limits,
                               const std::string& helper_executable,
                               PdfForkServerPool* servers = nullptr);

// Extracts the PDF open as `fd` (a regular file the caller has checked),
// read by the helper from the descriptor's current offset; `name` is used in
// messages. Lets a caller that already opened and examined the file hand over
// exactly that file (no second open that could meet a swapped path). `fd`
// stays the caller's.
Result<PdfText> ExtractPdfFd(int fd, const std::string& name, const PdfLimits& limits,
                             const std::string& helper_executable,
                             PdfForkServerPool* servers = nullptr);

// Extracts a PDF held in memory (an upload); `name` is used in messages. The
// bytes reach the helper through a sealed memfd.
Result<PdfText> ExtractPdfBytes(std::string_view bytes, const std::string& name,
                                const PdfLimits& limits, const std::string& helper_executable,
                                PdfForkServerPool* servers = nullptr);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_SANDBOX_H_
