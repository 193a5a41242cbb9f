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
#include "storage/stored_document.h"

namespace quarry::storage {

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
