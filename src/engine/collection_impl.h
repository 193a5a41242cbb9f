// CollectionImpl: a collection held in memory and persisted, whole, to its
// collection file on every acknowledged write.
//
// Write path: validate -> sanitize, chunk and embed (no lock held) -> under
// write_mu_, build the next image and replace the file atomically -> under an
// exclusive state lock, swap the new documents in -> acknowledge. If the file
// write fails, memory is untouched and the caller gets the error: nothing is
// acknowledged that is not on disk.
//
// Thread-safety: all public methods may be called concurrently. Searches take
// the state lock shared; writers are serialized by write_mu_ and take the
// state lock exclusively only for the in-memory swap.
#ifndef QUARRY_ENGINE_COLLECTION_IMPL_H_
#define QUARRY_ENGINE_COLLECTION_IMPL_H_

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "quarry/embedder.h"
#include "quarry/engine.h"
#include "storage/collection_file.h"
#include "vector/vector_index.h"

namespace quarry::engine {

class CollectionImpl final : public Collection {
 public:
  // Creates a new, empty collection whose files live in `dir` (which must
  // exist). Writes the initial collection file.
  static Result<std::shared_ptr<CollectionImpl>> Create(std::string name, std::string dir,
                                                        const CollectionConfig& config);
  // Loads a collection from the collection file in `dir`.
  static Result<std::shared_ptr<CollectionImpl>> Load(std::string name, std::string dir);

  const std::string& name() const override { return name_; }
  CollectionInfo Info() const override;
  Result<UpsertSummary> Upsert(std::vector<DocumentInput> docs) override;
  Result<DocumentInfo> GetDocument(const std::string& id) const override;
  Status DeleteDocument(const std::string& id) override;
  Result<SearchResponse> Search(const SearchRequest& request) const override;

  // Refuses every later write; the engine calls it before removing the files.
  void MarkDropped();
  const std::string& dir() const { return dir_; }

 private:
  // A stored document and where its chunks sit in the vector index.
  struct DocumentState {
    storage::StoredDocument doc;
    vector::RowId first_row = 0;  // chunks occupy rows [first_row, first_row + chunks)
  };
  // A document prepared for insertion: chunked and embedded.
  struct PreparedDocument {
    storage::StoredDocument doc;
    std::vector<float> vectors;  // one row per chunk
  };

  CollectionImpl(std::string name, std::string dir, CollectionConfig config,
                 std::unique_ptr<Embedder> embedder);

  // Sanitizes the input and computes its content hash (cheap).
  Result<storage::StoredDocument> Normalize(DocumentInput input) const;
  // Chunks and embeds a normalized document (the expensive part).
  Result<PreparedDocument> ChunkAndEmbed(storage::StoredDocument doc) const;
  // True if a document with this id and content hash is stored.
  bool IsUnchanged(const storage::StoredDocument& doc) const;
  // Builds the image of the current state with `replaced` ids left out and
  // `added` appended. REQUIRES: write_mu_ held.
  Result<storage::CollectionImage> NextImage(const std::vector<std::string>& removed,
                                             const std::vector<PreparedDocument>& added,
                                             uint64_t generation) const;
  // Applies a persisted change to memory. REQUIRES: write_mu_ and state_mu_ held.
  void ApplyLocked(const std::vector<std::string>& removed, std::vector<PreparedDocument> added);
  uint32_t MaxChunkTokens() const;

  const std::string name_;
  const std::string dir_;
  const CollectionConfig config_;
  const std::unique_ptr<Embedder> embedder_;

  std::mutex write_mu_;  // serializes writers, held across the file write
  bool dropped_ = false;  // guarded by write_mu_

  mutable std::shared_mutex state_mu_;  // guards everything below
  std::unordered_map<std::string, DocumentState> documents_;
  std::vector<const DocumentState*> row_owner_;  // row id -> document (null once removed)
  std::unique_ptr<vector::VectorIndex> index_;
  uint64_t chunk_count_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_COLLECTION_IMPL_H_
