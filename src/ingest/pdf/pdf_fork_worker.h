// A worker of the PDF fork server (pdf_fork_server.h): a child the server
// forked, warm (it inherits poppler's loaded state), that extracts PDFs in
// turn, each exactly as one helper process would (pdf_helper_run.h), so that
// the fork, the page-table copy, the copy-on-write faults and the exit are
// paid once per worker instead of once per PDF.
//
// It puts the helper's limits on itself once (pdf_child_limits.h; the CPU
// limit per file) and says kReady; a worker that cannot get that far exits
// with kPdfWorkerExitBroken. Then for each request from the server
// (pdf_fork_protocol.h) it puts the received PDF, stdout and stderr on
// descriptors 0, 1 and 2, extracts, lets go of them (so that the parent sees
// end of file) and replies with the run's exit code. It retires (replies
// kDoneRetiring and exits with that code) after `files` PDFs, after a run
// that failed or a PDF that was refused, or once its peak resident memory
// passed kPdfWorkerRetireResidentBytes, so a PDF that grew the heap does not
// leave it grown. Any file that crashes it or runs over a limit ends it; the
// server reports that file's ending and forks another.
//
// What a worker shares between the PDFs it extracts is its heap: a PDF that
// took it over could read, or change the text of, the next PDFs it is given
// (up to `files - 1`, from any collection of the same Quarry process), as a
// compromised helper could read any file its user can. `--files-per-worker 1`
// restores one process per PDF.
// docs/design/pdf-extraction.md.
//
// Thread-safety: runs alone in its own single-threaded process.
#ifndef QUARRY_INGEST_PDF_PDF_FORK_WORKER_H_
#define QUARRY_INGEST_PDF_PDF_FORK_WORKER_H_

#include <sys/types.h>

#include <cstdint>

#include "ingest/pdf/pdf_text.h"

namespace quarry::ingest {

inline constexpr uint64_t kPdfWorkerRetireResidentBytes = 128ull << 20;

// In the child right after fork(): `server` is the parent's pid, `socket_fd`
// the worker's end of its socketpair with the server, `limits` the memory
// limit that holds for every file (the per-file limits come with each
// request). Never returns.
[[noreturn]] void RunPdfForkWorker(pid_t server, int socket_fd, const PdfLimits& limits,
                                   uint32_t files);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_FORK_WORKER_H_
