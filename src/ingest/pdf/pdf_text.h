// What PDF extraction produces (PdfText) and the limits it runs under
// (PdfLimits). Shared by the sandboxed caller (pdf_sandbox.h), the helper
// process (pdf_helper_main.cc) and the in-process extractor
// (poppler_extract.h). See docs/design/pdf-extraction.md.
//
// Thread-safety: plain values.
#ifndef QUARRY_INGEST_PDF_PDF_TEXT_H_
#define QUARRY_INGEST_PDF_PDF_TEXT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace quarry::ingest {

// The text of one PDF. All strings are valid UTF-8 without NUL bytes.
struct PdfText {
  // The document information dictionary's /Title, or empty when there is none
  // (or it is only white space). Callers fall back to the file name.
  std::string title;
  // pages[i] is the text of page i + 1, in poppler's reading order; a page
  // without text is an empty string, so page numbers survive.
  std::vector<std::string> pages;
};

// Limits on one extraction. A file over any of them fails alone with
// ResourceExhausted naming the limit; nothing is truncated silently.
struct PdfLimits {
  uint32_t max_pages = 2000;
  // Code points over the title and all pages.
  uint64_t max_chars = 20'000'000;
  // Address space of the helper process (RLIMIT_AS). 0 = no limit. Builds with
  // AddressSanitizer never set it (ASan reserves terabytes of shadow).
  uint64_t memory_bytes = 1ull << 30;
  // Wall-clock time of one extraction (a helper from spawn to exit, or a fork
  // server's request from its arrival to the worker's reply); the CPU limit
  // (RLIMIT_CPU) is this rounded up to whole seconds, plus one.
  uint32_t timeout_ms = 30'000;
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_TEXT_H_
