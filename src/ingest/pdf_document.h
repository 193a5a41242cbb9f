// A PDF's extracted pages as one document: the pages' texts joined by a blank
// line, one section per page that has text (page = its 1-based number, no
// heading path), media type application/pdf, and the PDF's /Title (the caller
// falls back to the file name). Chunks therefore never cross a page, except
// that a page too small to stand alone joins the next, as small sections do.
//
// Extraction itself runs in the sandboxed helper (ingest/pdf/pdf_sandbox.h).
//
// Thread-safety: pure function.
#ifndef QUARRY_INGEST_PDF_DOCUMENT_H_
#define QUARRY_INGEST_PDF_DOCUMENT_H_

#include "ingest/extractor.h"
#include "ingest/pdf/pdf_text.h"

namespace quarry::ingest {

ExtractedDocument PdfTextToDocument(PdfText pdf);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_DOCUMENT_H_
