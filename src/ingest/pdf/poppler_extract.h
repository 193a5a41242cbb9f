// In-process PDF text extraction with poppler-cpp: the code that runs inside
// the sandboxed helper process (pdf_helper_main.cc) and under the fuzzer.
// Everything else calls ExtractPdfFile / ExtractPdfBytes (pdf_sandbox.h), which
// run this in a separate, resource-limited process: poppler parses hostile
// input and has a long record of memory-safety bugs.
//
// Reading order: each page's text comes from poppler's
// non_raw_non_physical_layout, the mode of `pdftotext` without -layout/-raw,
// which groups characters into lines, blocks and columns and orders the
// blocks as a reader would. physical_layout keeps the page geometry (the lines
// of two columns are interleaved, padded with spaces), and raw_order_layout
// follows the content stream, whose order is whatever the producer wrote.
//
// Thread-safety: NOT thread-safe. It installs poppler's process-wide error
// callback, and poppler's global parameters are shared; call it from one
// thread of a process that does nothing else (the helper, a fuzzer).
#ifndef QUARRY_INGEST_PDF_POPPLER_EXTRACT_H_
#define QUARRY_INGEST_PDF_POPPLER_EXTRACT_H_

#include <memory>
#include <string>
#include <string_view>

#include "ingest/pdf/pdf_text.h"
#include "quarry/status.h"

namespace quarry::ingest {

// Extracts the title and the text of every page of the PDF in `bytes`.
// Fails with:
//  - InvalidArgument "not a PDF (no %PDF- header in the first 1024 bytes)";
//  - InvalidArgument "damaged PDF: <poppler's last error>" if poppler cannot
//    load it (poppler repairs what it can: a truncated file often loads);
//  - NotSupported "encrypted PDF (a password is required)";
//  - ResourceExhausted "too many pages: N, limit M" (checked before any page
//    is read) or "too much text: over M characters" (extraction stops there);
//  - ResourceExhausted "out of memory" if an allocation throws.
// limits.memory_bytes and limits.timeout_ms are not enforced here: they belong
// to the process (pdf_child_limits.h).
Result<PdfText> ExtractPdfInProcess(std::string_view bytes, const PdfLimits& limits);

// Keeps poppler's process-wide state alive while it lives. poppler-cpp makes
// that state (GlobalParams: name-to-Unicode tables, the base-14 font list,
// encodings) with the first open document and destroys it with the last, so
// a fork server that only parses a warm-up file hands every worker a process
// without it, and each worker builds it again. Holding the warm-up document
// open across the forks keeps it built once, in the server.
class PopplerWarmState {
 public:
  // Opens `pdf` (a trusted, built-in file) and keeps it open; if poppler
  // cannot load it or finds no page, nothing is held and the workers
  // simply start cold.
  explicit PopplerWarmState(std::string pdf);
  ~PopplerWarmState();
  PopplerWarmState(const PopplerWarmState&) = delete;
  PopplerWarmState& operator=(const PopplerWarmState&) = delete;

  bool holding() const { return held_ != nullptr; }

 private:
  std::string bytes_;  // poppler reads the document from these, in place
  std::shared_ptr<void> held_;
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_POPPLER_EXTRACT_H_
