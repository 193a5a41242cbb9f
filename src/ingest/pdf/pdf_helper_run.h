// The body of one PDF helper run, shared by the helper's main (one process
// per PDF) and by each child of the fork server (pdf_fork_server.h): apply
// the limits, read the PDF from stdin, extract, write one frame to stdout.
//
// Thread-safety: changes process-wide state (rlimits, the new-handler); call
// it once per process, in a process that is about to end.
#ifndef QUARRY_INGEST_PDF_PDF_HELPER_RUN_H_
#define QUARRY_INGEST_PDF_PDF_HELPER_RUN_H_

#include "ingest/pdf/pdf_text.h"

namespace quarry::ingest {

// Returns the exit code: 0 (a frame was written, text or error),
// kPdfHelperExitIO or kPdfHelperExitOutOfMemory (pdf_child_limits.h). The
// limits are applied before a byte of input is read.
int RunPdfHelper(const PdfLimits& limits);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_HELPER_RUN_H_
