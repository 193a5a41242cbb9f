// Documents as callers hand them in, and as Quarry describes them back.
//
// Thread-safety: plain values.
#ifndef QUARRY_DOCUMENT_H_
#define QUARRY_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace quarry {

inline constexpr const char* kMediaTypePlainText = "text/plain";
inline constexpr const char* kMediaTypeMarkdown = "text/markdown";
// Formats whose extracted text is indexed (src/ingest/extractor.h); for these
// DocumentInput::text holds the extracted text, never the markup.
inline constexpr const char* kMediaTypeHtml = "text/html";
inline constexpr const char* kMediaTypeJson = "application/json";
inline constexpr const char* kMediaTypePdf = "application/pdf";

// Upper bound on a document id, in bytes.
inline constexpr size_t kMaxDocumentIdBytes = 512;

// A part of a document's text that chunks never cross (a chapter, a page):
// what an extractor knows about the structure of the original.
struct DocumentSection {
  uint32_t byte_begin = 0;  // into DocumentInput::text, on a code point boundary
  uint32_t byte_end = 0;    // one past the last byte
  std::string heading_path;  // enclosing headings, outermost first, joined by " > "
  uint32_t page = 0;         // 1-based page of a paged format (PDF); 0 = none
};

struct DocumentInput {
  std::string id;  // unique within the collection; upserting an id replaces it
  std::string text;  // UTF-8 (invalid sequences are replaced with U+FFFD)
  std::string title;
  std::string source;  // where it came from (a path, a URL), informational
  std::string media_type = kMediaTypePlainText;
  std::string metadata_json = "{}";  // a JSON object, stored as given
  // Empty: the chunker derives sections from media_type (Markdown headings;
  // one section otherwise). Else they must be in order, not overlapping, and
  // lie in text, which must then be valid UTF-8; text outside every section is
  // not indexed.
  std::vector<DocumentSection> sections;
};

struct DocumentInfo {
  std::string id;
  std::string title;
  std::string source;
  std::string media_type;
  std::string metadata_json;
  std::string content_hash;  // of text, title and metadata
  uint32_t chunk_count = 0;
  uint64_t text_bytes = 0;
  std::vector<uint32_t> pages;  // the pages its chunks are on, ascending; empty if not paged
};

struct UpsertSummary {
  uint32_t documents = 0;  // documents written (new or changed)
  uint32_t unchanged = 0;  // documents skipped: same id and content hash as stored
  uint32_t chunks = 0;     // chunks written
  uint64_t generation = 0;  // the collection's generation after the write
};

}  // namespace quarry

#endif  // QUARRY_DOCUMENT_H_
