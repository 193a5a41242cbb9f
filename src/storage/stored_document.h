// A document as the storage engine keeps it: its fields, its extracted text
// and the chunks cut from that text (vectors are stored beside, by row).
//
// Thread-safety: plain values.
#ifndef QUARRY_STORAGE_STORED_DOCUMENT_H_
#define QUARRY_STORAGE_STORED_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace quarry::storage {

struct StoredChunk {
  uint32_t byte_begin = 0;  // into StoredDocument::text
  uint32_t byte_end = 0;
  uint32_t char_begin = 0;  // the same span in code points
  uint32_t char_end = 0;
  uint32_t tokens = 0;
  std::string heading;
  uint32_t page = 0;  // 1-based page of a paged format (PDF); 0 = none
};

struct StoredDocument {
  std::string id;
  std::string title;
  std::string source;
  std::string media_type;
  std::string metadata_json;
  std::string content_hash;
  std::string text;  // the extracted text that chunk offsets point into
  std::vector<StoredChunk> chunks;
};

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_STORED_DOCUMENT_H_
