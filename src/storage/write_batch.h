// WriteBatch: one acknowledged change to a collection, as a write-ahead-log
// record carries it: documents removed by id, then documents added (each
// with one vector per chunk). Applying a batch twice gives the same state
// as applying it once, because an added id first removes what it replaces.
//
// Payload layout (inside a kWriteBatch record):
//   generation u64      the collection's generation after this batch
//   dimensions u32      floats per vector
//   removed_count u32, removed ids (strings)
//   added_count u32, per added document: the document (document_codec.h,
//   in the layout the record type names), then chunk_count * dimensions
//   float32 values
//
// Thread-safety: plain values and pure functions.
#ifndef QUARRY_STORAGE_WRITE_BATCH_H_
#define QUARRY_STORAGE_WRITE_BATCH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"
#include "storage/document_codec.h"
#include "storage/stored_document.h"

namespace quarry::storage {

struct AddedDocument {
  StoredDocument doc;
  std::vector<float> vectors;  // doc.chunks.size() rows of `dimensions` floats
};

struct WriteBatch {
  uint64_t generation = 0;
  uint32_t dimensions = 0;
  std::vector<std::string> removed;  // ids; includes ids that `added` replaces
  std::vector<AddedDocument> added;
};

// `layout`: of the documents; the record type says which
// (WriteBatchDocumentLayout). Layout 1 only in tests of old logs.
std::string EncodeWriteBatch(const WriteBatch& batch,
                             DocumentLayout layout = kCurrentDocumentLayout);
// Bounds-checks everything; Corruption with a reason otherwise. `dimensions`
// must match the collection's.
Result<WriteBatch> DecodeWriteBatch(std::string_view payload, uint32_t dimensions,
                                    DocumentLayout layout = kCurrentDocumentLayout);

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_WRITE_BATCH_H_
