// Extraction: from the bytes of a file to the text Quarry indexes.
//
// The format is decided by content first and by name second
// (docs/design/extraction.md): "%PDF-" is PDF; "<!doctype html" or "<html"
// (after a BOM and white space, any case) is HTML; otherwise the extension
// decides: .html/.htm HTML, .json JSON, .jsonl/.ndjson JSON Lines, .md/.markdown
// Markdown, .pdf PDF, anything else plain text.
//
// A single-document format (text, Markdown, HTML, PDF) is extracted whole by
// ExtractDocument. JSON and JSON Lines hold records, one document each: they
// are read by ingest/json_records.h instead, streaming for JSON Lines.
//
// PDF is extracted from the file, in the sandboxed helper process
// (ingest/pdf/pdf_sandbox.h, then ingest/pdf_document.h), by ReadDocuments.
//
// Adding a format: a function in its own file returning
// Result<ExtractedDocument> under its own limits, called from ExtractDocument.
//
// Thread-safety: pure functions.
#ifndef QUARRY_INGEST_EXTRACTOR_H_
#define QUARRY_INGEST_EXTRACTOR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/document.h"
#include "quarry/status.h"

namespace quarry::ingest {

enum class DocumentFormat { kPlainText, kMarkdown, kHtml, kPdf, kJson, kJsonLines };

// What an extractor hands to the chunker: valid UTF-8 text without NULs, and
// sections (see quarry::DocumentSection) that cover every non-white-space byte
// of it exactly once, in order. `sections` may be empty for a blank text or a
// format whose structure the chunker derives itself (Markdown).
struct ExtractedDocument {
  std::string text;
  std::string title;  // "" if the document names none
  std::string media_type = kMediaTypePlainText;
  std::vector<DocumentSection> sections;
};

struct HtmlOptions {
  uint64_t max_input_bytes = 32ull << 20;  // larger HTML fails before parsing
  // Deepest element nesting accepted. Chromium's HTML parser stops nesting at
  // 512; gumbo's tree building is quadratic in depth, so this bounds its time.
  uint32_t max_depth = 512;
  uint64_t max_text_chars = 8ull << 20;  // extracted code points
  bool image_alt_text = true;            // include <img alt="..."> as text
};

struct ExtractOptions {
  HtmlOptions html;
};

// The format of a file named `path` that begins with `prefix` (its first
// kSniffBytes bytes, or all of it if shorter).
inline constexpr size_t kSniffBytes = 1024;
DocumentFormat SniffFormat(std::string_view prefix, std::string_view path);

// The extension of the last name in `path`, lowercased with its dot (".md"),
// or "" if none (a leading dot does not start an extension: ".profile").
std::string LowercaseExtension(std::string_view path);

// True for the formats that hold many records (JSON, JSON Lines).
bool IsRecordFormat(DocumentFormat format);

// Extracts a single-document format from the whole file's bytes. Fails with
// InvalidArgument for a record format (read those with json_records.h) and
// for PDF (extracted from its file, see above), and as the format's extractor
// fails (ResourceExhausted naming the limit, InvalidArgument for input it
// refuses).
Result<ExtractedDocument> ExtractDocument(DocumentFormat format, std::string_view bytes,
                                          const ExtractOptions& options);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_EXTRACTOR_H_
