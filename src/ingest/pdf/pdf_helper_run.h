// The body of one PDF helper run, shared by the helper's main (one process
// per PDF) and by the fork server's workers (pdf_fork_worker.h): apply the
// limits, read the PDF from stdin, extract, write one frame to stdout.
//
// Thread-safety: RunPdfHelper and EndProcessWhenOutOfMemory change
// process-wide state (rlimits, the new-handler); call them once per process.
#ifndef QUARRY_INGEST_PDF_PDF_HELPER_RUN_H_
#define QUARRY_INGEST_PDF_PDF_HELPER_RUN_H_

#include "ingest/pdf/pdf_text.h"

namespace quarry::ingest {

// Returns the exit code: 0 (a frame was written, text or error),
// kPdfHelperExitIO or kPdfHelperExitOutOfMemory (pdf_child_limits.h). The
// limits are applied before a byte of input is read.
int RunPdfHelper(const PdfLimits& limits);

// The parts of RunPdfHelper, for a process that extracts several PDFs in
// turn (a fork server's worker, pdf_fork_worker.h), which applies the limits
// once: a failed operator new ends the process with kPdfHelperExitOutOfMemory;
// and one extraction from stdin to stdout, returning the exit code
// RunPdfHelper would; *refused (if given) is set when the frame carries an
// error instead of text (a PDF poppler could not read, or over a limit).
void EndProcessWhenOutOfMemory();
int ExtractPdfFromStdio(const PdfLimits& limits, bool* refused = nullptr);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_HELPER_RUN_H_
