// Test-only: PDF files written byte by byte, for the files no tool makes on
// purpose (hostile ones) and for large page counts made in microseconds.
// Realistic PDFs come from ReportLab (testdata/make_pdf.py).
//
// Thread-safety: pure functions.
#ifndef QUARRY_INGEST_PDF_TEST_PDFS_H_
#define QUARRY_INGEST_PDF_TEST_PDFS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace quarry::ingest::testing {

// A valid PDF with one page per string (ASCII, one line each, Helvetica) and
// /Title `title` in the info dictionary (none if empty).
std::string SimplePdf(const std::vector<std::string>& pages, const std::string& title);

// A valid PDF of `pages` pages that all share one small content stream.
std::string ManyPagePdf(uint32_t pages);

// A one-page PDF whose content is one FlateDecode stream of `chunk_bytes`
// (about 1,000 times smaller compressed) referenced `repeats` times from the
// page's /Contents array: it inflates to chunk_bytes * repeats. The chunk is
// zero bytes if `text` is false; if true it is 'A's, between a "BT ... (" and
// a ") Tj ET" stream, so that poppler's lexer reads one string of that size.
std::string FlateBombPdf(uint64_t chunk_bytes, uint32_t repeats, bool text);

}  // namespace quarry::ingest::testing

#endif  // QUARRY_INGEST_PDF_TEST_PDFS_H_
