// A sealed segment: an immutable slice of a collection on disk.
//
//   segments/<id>/vectors/        the HNSW index (vectors, codes, graph;
//                                 docs/format/hnsw-index.md)
//   segments/<id>/documents.*     the chunk store (chunk_store.h)
//   segments/<id>/postings.bm25   keyword postings, one BM25 document per
//                                 row (segment_postings.h)
// Row r of the index is chunk (r - first_row) of the document owning r.
//
// A segment is written once (SegmentWriter) into segments/<id>.tmp, fsynced
// and renamed into place; it only becomes part of the collection when a
// MANIFEST lists it. Deleting rows later marks them in the index (tombstones,
// persisted in the MANIFEST as document ordinals) and never rewrites the files; a merge writes a
// new segment without them.
//
// Thread-safety: Search/Read may run concurrently with each other and with
// MarkDeleted (the HNSW index's rule), except deleted_rows(): its words change
// in MarkDeleted, so keyword searches that view them must be excluded from
// MarkDeleted by the caller (the collection's state lock: searches hold it
// shared, deletes exclusively).
#ifndef QUARRY_STORAGE_SEGMENT_H_
#define QUARRY_STORAGE_SEGMENT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/env.h"
#include "quarry/status.h"
#include "storage/chunk_store.h"
#include "storage/manifest.h"
#include "storage/segment_postings.h"
#include "storage/stored_document.h"
#include "vector/hnsw_index.h"

namespace quarry::storage {

struct SegmentOpenOptions {
  bool map_vectors = true;        // on_disk_vectors: full-precision rows paged by the kernel
  bool map_graph = true;          // on_disk_graph: HNSW links paged by the kernel
  bool map_codes = true;          // !always_ram: quantized codes paged by the kernel
  bool resident_payload = true;   // !on_disk_payload: documents decoded into RAM at open
  // Where blocks of a non-resident chunk store are kept once decoded (shared
  // by the segments of a collection); null: none are kept.
  std::shared_ptr<BlockCache> payload_cache;
};

// Writes segment `id` into SegmentDirName(collection_dir, id): documents
// one at a time in row order (streamed into the chunk store), then
// FinishDocuments() with `postings` (a serialized lexical index with one
// document per row, as bytes or written by a PostingsWriter), then Finish()
// with `rows` vectors (one per chunk, `dimensions` floats, read from
// `vectors` a batch at a time): the caller can drop its postings before the
// long index build. The HNSW graph is built on
// `hnsw.build_threads` threads over the vectors as written to disk
// (HnswIndex::BuildFile). Neither documents nor vectors are ever all in
// memory at once, which is what keeps a merge of large segments small.
// Everything goes to segments/<id>.tmp, fsynced, then renamed into place;
// without a successful Finish() the .tmp directory is left for the caller
// (or the next open) to remove. Move-only; the Env must outlive it.
class SegmentWriter {
 public:
  static Result<SegmentWriter> Create(Env& env, const std::string& collection_dir, uint64_t id);
  SegmentWriter(SegmentWriter&&) noexcept = default;

  Status AddDocument(const StoredDocument& doc) { return store_.Add(doc); }
  Status FinishDocuments(std::span<const uint8_t> postings);
  Status FinishDocuments(const PostingsWriter& postings);
  // `build`: cancelling, and a seed's graph to start from
  // (vector::HnswBuildOptions).
  Status Finish(size_t rows, const vector::RowSource& vectors, uint32_t dimensions,
                const vector::HnswConfig& hnsw, const vector::HnswBuildOptions& build = {});

 private:
  SegmentWriter(Env& env, std::string final_dir, ChunkStoreWriter store)
      : env_(&env), final_dir_(std::move(final_dir)), store_(std::move(store)) {}
  Env* env_;
  std::string final_dir_;
  ChunkStoreWriter store_;
};

class Segment {
 public:
  static Result<std::unique_ptr<Segment>> Open(Env& env, const std::string& collection_dir,
                                               uint64_t id, const SegmentOpenOptions& options);

  uint64_t id() const { return id_; }
  uint32_t rows() const { return store_->rows(); }
  const ChunkStore& store() const { return *store_; }
  const vector::HnswIndex& index() const { return *index_; }
  const lexical::Bm25Index& postings() const { return postings_->index(); }
  // One bit per row, set = the row's document is deleted (bit r % 64 of word
  // r / 64), the form lexical::DeletedDocs views. See the thread-safety rule.
  std::span<const uint64_t> deleted_rows() const { return deleted_rows_; }

  // Deletes the document at `ordinal` (its rows leave the index); false if
  // it was already deleted or out of range.
  bool MarkDeleted(uint32_t ordinal);
  bool IsDeleted(uint32_t ordinal) const;
  // Deleted document ordinals, sorted (what the MANIFEST records).
  std::vector<uint32_t> DeletedDocuments() const;
  size_t deleted_count() const { return deleted_count_.load(std::memory_order_relaxed); }
  // What the MANIFEST records of this segment now.
  SegmentEntry ManifestEntry() const;

 private:
  Segment() = default;

  uint64_t id_ = 0;
  std::unique_ptr<ChunkStore> store_;
  std::unique_ptr<vector::HnswIndex> index_;
  std::unique_ptr<SegmentPostings> postings_;
  std::vector<uint64_t> deleted_rows_;
  std::unique_ptr<std::atomic<uint8_t>[]> deleted_;  // one flag per document
  std::atomic<size_t> deleted_count_{0};
};

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_SEGMENT_H_
