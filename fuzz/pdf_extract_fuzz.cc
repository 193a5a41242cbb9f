// Fuzzes the in-process PDF extractor (poppler-cpp, and our decoding of its
// page text and title) and the frame that carries the result to the parent:
//  - whatever the input, extraction returns; text is valid UTF-8 without NUL,
//    within the page and character limits;
//  - the outcome survives EncodePdfFrame -> DecodePdfFrame unchanged;
//  - the input read as a helper frame is refused or decodes within limits
//    (the parent's view of a hostile helper).
// poppler itself is a system library without coverage instrumentation, but a
// crash inside it still ends the run: that is a poppler bug, and exactly why
// Quarry runs it in a sandboxed process (docs/design/pdf-extraction.md).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/pdf/pdf_frame.h"
#include "ingest/pdf/poppler_extract.h"
#include "text/utf8.h"

namespace {

using quarry::ingest::PdfLimits;
using quarry::ingest::PdfText;

void CheckText(const PdfText& t, const PdfLimits& limits) {
  if (t.pages.size() > limits.max_pages) std::abort();
  uint64_t chars = 0;
  for (const std::string* s : {&t.title}) {
    if (!quarry::text::IsValidUtf8(*s) || s->find('\0') != std::string::npos) std::abort();
    chars += quarry::text::CountCodePoints(*s);
  }
  for (const std::string& p : t.pages) {
    if (!quarry::text::IsValidUtf8(p) || p.find('\0') != std::string::npos) std::abort();
    chars += quarry::text::CountCodePoints(p);
  }
  if (chars > limits.max_chars) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  PdfLimits limits;
  limits.max_pages = 64;
  limits.max_chars = 1 << 20;

  quarry::Result<PdfText> decoded = quarry::ingest::DecodePdfFrame(bytes, limits);
  if (decoded.ok()) CheckText(decoded.value(), limits);

  const quarry::Result<PdfText> out = quarry::ingest::ExtractPdfInProcess(bytes, limits);
  if (out.ok()) CheckText(out.value(), limits);
  const quarry::Result<PdfText> back =
      quarry::ingest::DecodePdfFrame(quarry::ingest::EncodePdfFrame(out), limits);
  if (back.ok() != out.ok()) std::abort();
  if (out.ok() && (back->title != out->title || back->pages != out->pages)) std::abort();
  if (!out.ok() && (back.status().code() != out.status().code())) std::abort();
  return 0;
}
