// Documents as callers hand them in, and as Quarry describes them back.
//
// Thread-safety: plain values.
#ifndef QUARRY_DOCUMENT_H_
#define QUARRY_DOCUMENT_H_

#include <cstdint>
#include <string>

namespace quarry {

inline constexpr const char* kMediaTypePlainText = "text/plain";
inline constexpr const char* kMediaTypeMarkdown = "text/markdown";

// Upper bound on a document id, in bytes.
inline constexpr size_t kMaxDocumentIdBytes = 512;

struct DocumentInput {
  std::string id;  // unique within the collection; upserting an id replaces it
  std::string text;  // UTF-8 (invalid sequences are replaced with U+FFFD)
  std::string title;
  std::string source;  // where it came from (a path, a URL), informational
  std::string media_type = kMediaTypePlainText;
  std::string metadata_json = "{}";  // a JSON object, stored as given
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
};

struct UpsertSummary {
  uint32_t documents = 0;  // documents written (new or changed)
  uint32_t unchanged = 0;  // documents skipped: same id and content hash as stored
  uint32_t chunks = 0;     // chunks written
  uint64_t generation = 0;  // the collection's generation after the write
};

}  // namespace quarry

#endif  // QUARRY_DOCUMENT_H_
