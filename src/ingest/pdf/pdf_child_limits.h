// The helper process's side of the sandbox: its command line (the limits,
// passed by the parent) and the resource limits it puts on itself before it
// reads a byte of the PDF.
//
// The helper is `quarry-pdf-extract --max-pages N --max-chars N
// --memory-bytes N --timeout-ms N`; it reads the PDF from stdin and writes
// one frame (pdf_frame.h) to stdout. See docs/design/pdf-extraction.md.
//
// Thread-safety: ApplyPdfChildLimits changes process-wide state; call it once
// per process, before the first PDF (the helper's main(), a fork server's
// worker).
#ifndef QUARRY_INGEST_PDF_PDF_CHILD_LIMITS_H_
#define QUARRY_INGEST_PDF_PDF_CHILD_LIMITS_H_

#include <string>
#include <vector>

#include "ingest/pdf/pdf_text.h"
#include "quarry/status.h"

namespace quarry::ingest {

// Exit codes of the helper besides 0 (a frame was written, text or error).
inline constexpr int kPdfHelperExitUsage = 2;        // bad command line
inline constexpr int kPdfHelperExitOutOfMemory = 3;  // operator new failed
inline constexpr int kPdfHelperExitIO = 4;           // could not read stdin / write stdout
// A fork server's worker could not set itself up or broke the protocol with
// its server (pdf_fork_worker.h): not the PDF's outcome.
inline constexpr int kPdfWorkerExitBroken = 5;

// Most descriptors the helper may hold (RLIMIT_NOFILE): stdin, stdout,
// stderr and a few for poppler; it opens no files.
inline constexpr int kPdfHelperMaxFiles = 16;

// The arguments (after argv[0]) that carry `limits` to the helper.
std::vector<std::string> PdfHelperArgs(const PdfLimits& limits);

// Parses what PdfHelperArgs produced. InvalidArgument on anything else.
Result<PdfLimits> ParsePdfHelperArgs(const std::vector<std::string>& args);

// False in builds with AddressSanitizer, whose shadow memory does not fit
// under any useful RLIMIT_AS; the memory limit is then not applied (nor
// RLIMIT_NPROC and PR_SET_DUMPABLE, which LeakSanitizer's exit check needs).
bool PdfMemoryLimitSupported();

// Sets, for the calling process: RLIMIT_AS = memory_bytes (when supported
// and non-zero), RLIMIT_CPU = whole seconds of timeout_ms + 1 (SIGXCPU, then,
// for one file, SIGKILL a second later), RLIMIT_FSIZE = 0 (no file can be written),
// RLIMIT_NOFILE = kPdfHelperMaxFiles, RLIMIT_CORE = 0 and not dumpable (no
// core files, even through a core_pattern pipe), RLIMIT_NPROC = 0 (no fork or
// thread, unless privileged), no new privileges. Lowers only; fails with
// Internal naming the limit if the system refuses one.
//
// A process that will extract `files` PDFs in turn (a fork server's worker)
// gets a hard RLIMIT_CPU of `files` times the per-file budget, and calls
// SetPdfFileCpuBudget before each file after the first.
Status ApplyPdfChildLimits(const PdfLimits& limits, uint32_t files = 1);

// Moves the soft RLIMIT_CPU to the CPU time used so far (rounded up to a
// second) plus one file's budget, never past the hard limit: SIGXCPU ends
// the process if the next file runs over. Call it between two files.
Status SetPdfFileCpuBudget(const PdfLimits& limits);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_CHILD_LIMITS_H_
