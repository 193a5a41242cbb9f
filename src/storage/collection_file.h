// The collection file: everything a collection holds, in one checksummed file
// that is replaced atomically on every acknowledged write.
//
// This is the foundation's persistence: simple and crash-safe, but each write
// rewrites the whole collection (O(collection size)). The write-ahead log and
// memory-mapped segments replace it.
//
// Thread-safety: pure functions over values.
#ifndef QUARRY_STORAGE_COLLECTION_FILE_H_
#define QUARRY_STORAGE_COLLECTION_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"

namespace quarry::storage {

struct StoredChunk {
  uint32_t byte_begin = 0;  // into StoredDocument::text
  uint32_t byte_end = 0;
  uint32_t char_begin = 0;  // the same span in code points
  uint32_t char_end = 0;
  uint32_t tokens = 0;
  std::string heading;
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

struct CollectionImage {
  std::string config_json;
  std::string embedder_fingerprint;
  uint64_t generation = 0;
  uint32_t dimensions = 0;
  std::vector<StoredDocument> documents;
  // One row of `dimensions` floats per chunk, documents in order, chunks in order.
  std::vector<float> vectors;
};

std::string EncodeCollectionFile(const CollectionImage& image);

// Verifies magic, version, lengths and both checksums before decoding, and
// bounds-checks every field while decoding. Errors are kCorruption (or
// kNotSupported for a newer version) with a message that says what is wrong.
Result<CollectionImage> DecodeCollectionFile(std::string_view bytes);

// Atomic replace of <dir>/collection.qc.
Status WriteCollectionFile(const std::string& dir, const CollectionImage& image);
Result<CollectionImage> ReadCollectionFile(const std::string& dir);

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_COLLECTION_FILE_H_
