// MutableSegment: the newest documents of a collection, in memory, searched
// by an exact scan. Every change it holds is already in the write-ahead log;
// when it reaches storage.seal_rows rows it is frozen and sealed into an
// on-disk segment (collection_sealer.cc).
//
// Rows are appended in order; a removed document's rows are excluded from
// the index and the document is marked dead (its ordinal stays valid).
//
// Thread-safety: none of its own. The collection mutates it under its
// writer lock plus the state lock held exclusively, and reads it under the
// state lock (shared or exclusive).
#ifndef QUARRY_ENGINE_MUTABLE_SEGMENT_H_
#define QUARRY_ENGINE_MUTABLE_SEGMENT_H_

#include <cstdint>
#include <span>
#include <vector>

#include "storage/stored_document.h"
#include "vector/flat_index.h"

namespace quarry::engine {

class MutableSegment {
 public:
  struct Doc {
    storage::StoredDocument doc;
    uint32_t first_row = 0;
    bool live = true;
  };

  explicit MutableSegment(uint32_t dimensions) : index_(dimensions) {}

  // Appends `doc` with one vector per chunk. Returns its ordinal.
  // REQUIRES: vectors.size() == doc.chunks.size() * dimensions, all finite.
  uint32_t Add(storage::StoredDocument doc, std::span<const float> vectors);
  // Excludes a live document's rows from searches.
  void Remove(uint32_t ordinal);

  const Doc& doc(uint32_t ordinal) const { return docs_[ordinal]; }
  uint32_t OrdinalOfRow(uint32_t row) const { return row_owner_[row]; }
  size_t rows() const { return row_owner_.size(); }
  size_t live_rows() const { return index_.live_count(); }
  const vector::FlatIndex& index() const { return index_; }

  // The live documents in row order with their vectors (for sealing), and
  // for each the ordinal it has here.
  void CollectLive(std::vector<storage::StoredDocument>* docs, std::vector<float>* vectors,
                   std::vector<uint32_t>* ordinals) const;

 private:
  vector::FlatIndex index_;
  std::vector<Doc> docs_;
  std::vector<uint32_t> row_owner_;  // row -> ordinal
};

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_MUTABLE_SEGMENT_H_
