// MutableSegment: the newest documents of a collection, in memory, searched
// by an exact scan (vectors) and by BM25 over in-memory postings (keywords). Every change it holds
// is already in the write-ahead log; when it reaches storage.seal_rows rows it is frozen and sealed
// into an on-disk segment (collection_sealer.cc).
//
// Rows are appended in order; a removed document's rows are excluded from
// the index and the document is marked dead (its ordinal stays valid).
//
// Thread-safety: none of its own, but for Postings(). The collection mutates
// it under its writer lock plus the state lock held exclusively, and reads it
// under the state lock (shared or exclusive). Postings() may be called by
// concurrent readers: it builds its snapshot under its own lock. One reader
// goes without a lock: the seal reads a frozen segment's documents (doc(o).doc)
// and rows (index().Row(r)) while deletes go on, which holds because a frozen
// segment never grows and Remove() changes only the live flags and the
// index's alive flags, never Doc::doc, docs_ or a row's values. Keep it that way (freeing a deleted
// document's text here would be a use-after-free in the seal, and the collection's DocumentTable
// reads ids back through doc(o).doc.id).
#ifndef QUARRY_ENGINE_MUTABLE_SEGMENT_H_
#define QUARRY_ENGINE_MUTABLE_SEGMENT_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "engine/chunk_terms.h"
#include "lexical/bm25_builder.h"
#include "lexical/bm25_index.h"
#include "search/filter_fields.h"
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

  // Its vectors grow in chunks that never move (vector::FlatIndex): filling
  // the segment never copies them, so nothing is reserved up front.
  explicit MutableSegment(uint32_t dimensions) : index_(dimensions) {}

  // Appends `doc` with one vector and one list of keyword terms per chunk.
  // Returns its ordinal.
  // REQUIRES: vectors.size() == doc.chunks.size() * dimensions, all finite;
  // terms.chunks.size() == doc.chunks.size().
  uint32_t Add(storage::StoredDocument doc, std::span<const float> vectors,
               const DocumentTerms& terms);
  // Excludes a live document's rows from searches.
  void Remove(uint32_t ordinal);

  const Doc& doc(uint32_t ordinal) const { return docs_[ordinal]; }
  size_t doc_count() const { return docs_.size(); }
  // The document's metadata, flattened for filters.
  const search::DocumentFields& fields(uint32_t ordinal) const { return fields_[ordinal]; }
  // One bit per row, set = the row's document was removed (the form
  // lexical::DeletedDocs views).
  std::span<const uint64_t> dead_rows() const { return dead_rows_; }
  // The keyword postings of every row added so far (one BM25 document per
  // row), in two parts so that a search after a write does not rebuild all
  // of them: `base` holds rows [0, delta_first_row), `delta` the rows added
  // since (at most kMaxDeltaRows; doc d of delta is row delta_first_row + d).
  // Either may be null (no rows). When the rows added since the base pass
  // kMaxDeltaRows, the next call rebuilds the base from every row: O(rows),
  // once per kMaxDeltaRows rows added; otherwise a call after a write
  // rebuilds the delta only.
  struct PostingsView {
    std::shared_ptr<const lexical::Bm25Index> base;
    std::shared_ptr<const lexical::Bm25Index> delta;
    uint32_t delta_first_row = 0;
  };
  static constexpr uint32_t kMaxDeltaRows = 1024;
  PostingsView Postings() const;
  // The serialized postings of every row, dead ones included: what a sealed
  // segment of these rows holds when none is dead. Const: may run beside
  // searches.
  std::vector<uint8_t> SerializePostings() const { return postings_builder_.Serialize(); }
  uint32_t OrdinalOfRow(uint32_t row) const { return row_owner_[row]; }
  size_t rows() const { return row_owner_.size(); }
  size_t live_rows() const { return index_.live_count(); }
  const vector::FlatIndex& index() const { return index_; }

  // The ordinals of the live documents in row order (for sealing: doc(o)
  // gives each), and their rows in the same order (index().Row(r) gives each
  // vector, in place: a frozen segment's rows never change).
  void CollectLive(std::vector<uint32_t>* ordinals, std::vector<uint32_t>* rows) const;

 private:
  vector::FlatIndex index_;
  std::vector<Doc> docs_;
  std::vector<search::DocumentFields> fields_;  // by ordinal
  std::vector<uint32_t> row_owner_;             // row -> ordinal
  std::vector<uint64_t> dead_rows_;
  lexical::Bm25IndexBuilder postings_builder_;  // every row

  // Below: guarded by postings_mu_ (Add also holds the collection's state
  // lock exclusively, so it never runs beside a search).
  mutable std::mutex postings_mu_;
  mutable std::shared_ptr<const lexical::Bm25Index> base_;  // rows [0, base_rows_)
  mutable uint32_t base_rows_ = 0;
  mutable lexical::Bm25IndexBuilder delta_builder_;  // rows [base_rows_, rows()) unless overflowed
  mutable bool delta_overflowed_ = false;            // more than kMaxDeltaRows since the base
  mutable std::shared_ptr<const lexical::Bm25Index> delta_;
};

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_MUTABLE_SEGMENT_H_
