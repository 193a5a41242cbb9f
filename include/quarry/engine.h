// Engine and Collection: the public C++ API of Quarry.
//
// An Engine owns a data directory (locked against other processes while open)
// and the collections in it. A Collection ingests documents and answers
// searches. Every acknowledged write is on disk before the call returns.
//
// Thread-safety: Engine and Collection are safe to use from many threads.
// Searches run concurrently with each other; writes to one collection are
// serialized and do not block its searches for longer than the in-memory swap.
#ifndef QUARRY_ENGINE_H_
#define QUARRY_ENGINE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/document.h"
#include "quarry/options.h"
#include "quarry/search.h"
#include "quarry/status.h"

namespace quarry {

// What a collection holds, named two ways. The generation counts its
// acknowledged writes. The state digest names its content: it changes with
// every write, and only collections that went through the same writes from
// the same config and embedder (replicas) share it; a dropped and re-created
// collection or a restored snapshot does not reuse a digest for other
// content. Caches key on the digest.
struct CollectionState {
  uint64_t generation = 0;
  std::string digest;  // 32 hex digits
};

struct CollectionInfo {
  std::string name;
  CollectionConfig config;
  std::string embedder_fingerprint;
  bool embedder_semantic = false;  // false for the lexical embedder: it matches words, not meaning
  uint32_t embedder_dimensions = 0;  // the vectors' size (config.embedder.dimensions may be 0: "the model's")
  uint64_t documents = 0;
  uint64_t chunks = 0;
  uint64_t generation = 0;
  std::string state_digest;  // CollectionState::digest
  uint64_t sealed_segments = 0;  // on-disk segments searched (merging lowers it)
  // Since the collection was opened: merges done, the rows they wrote, and
  // of those the rows whose HNSW links came from the merge's largest input
  // (copied, not linked again; docs/design/storage-engine.md, "Merging").
  uint64_t merges = 0;
  uint64_t merged_rows = 0;
  uint64_t merge_seeded_rows = 0;
};

// A snapshot: one archive file holding a collection's files at one moment,
// with a checksum per file (docs/format/snapshot-archive.md).
struct SnapshotInfo {
  std::string name;        // <collection>-<UTC time>-<n>.qsnap
  std::string collection;  // the collection it was taken of
  std::string path;        // where the archive is, under <data>/snapshots/<collection>/
  uint64_t bytes = 0;
};

class Collection {
 public:
  virtual ~Collection() = default;

  virtual const std::string& name() const = 0;
  virtual CollectionInfo Info() const = 0;

  // Chunks, embeds and stores `docs`, replacing stored documents with the same
  // id. Documents whose content hash is unchanged are skipped. All or nothing:
  // on error, nothing of this call is stored.
  virtual Result<UpsertSummary> Upsert(std::vector<DocumentInput> docs) = 0;

  virtual Result<DocumentInfo> GetDocument(const std::string& id) const = 0;
  virtual Status DeleteDocument(const std::string& id) = 0;

  virtual Result<SearchResponse> Search(const SearchRequest& request) const = 0;

  // The embedding Search would compute for `query` (EmbedPurpose::kQuery),
  // for callers that cache it and pass it back as SearchRequest::query_vector.
  virtual Result<std::vector<float>> EmbedQuery(std::string_view query) const = 0;

  // Where the collection is now; changes with every acknowledged write. Cheap.
  virtual CollectionState State() const = 0;

  // Seals the rows held in memory when it is called into an on-disk segment
  // (as the background does at storage.seal_rows), so that the next open
  // replays none of the writes before it; the end of a bulk load. A log that
  // holds only deletes of sealed documents is kept: the next seal or merge
  // records them. Blocks for the seal, whose graph build uses every core.
  virtual Status Flush() = 0;
  // Merges sealed segments on the calling thread until the merge policy finds
  // nothing more to merge (docs/design/storage-engine.md, "Merging"): what the
  // background merge thread does over time, done now, and the only way
  // segments get merged when the engine was opened with background_merges =
  // false. Blocks for every merge, each using every core for its graph.
  virtual Status Compact() = 0;
};

class Engine {
 public:
  // Opens (creating if needed) the data directory and loads every collection.
  // Fails with kFailedPrecondition if another process holds the directory.
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);

  virtual ~Engine() = default;

  virtual Result<std::shared_ptr<Collection>> CreateCollection(const std::string& name,
                                                               const CollectionConfig& config) = 0;
  virtual Result<std::shared_ptr<Collection>> GetCollection(const std::string& name) const = 0;
  virtual std::vector<CollectionInfo> ListCollections() const = 0;
  virtual Status DropCollection(const std::string& name) = 0;

  // Snapshots live in <data>/snapshots/<collection>/ and survive the drop of
  // their collection. Taking one blocks seals and merges (not writes or
  // searches) while the archive is written.
  virtual Result<SnapshotInfo> CreateSnapshot(const std::string& collection) = 0;
  virtual Result<std::vector<SnapshotInfo>> ListSnapshots(const std::string& collection) const = 0;
  virtual Result<SnapshotInfo> GetSnapshot(const std::string& collection,
                                           const std::string& name) const = 0;
  virtual Status DeleteSnapshot(const std::string& collection, const std::string& name) = 0;
  // Restores an archive (a stored snapshot's path, or any archive file) as
  // collection `target`. Every entry is validated (paths, kinds, sizes,
  // checksums) and the restored collection opened before it takes the name;
  // with `replace`, an existing `target` is dropped only then. Without it, an
  // existing `target` is AlreadyExists.
  virtual Result<std::shared_ptr<Collection>> RestoreSnapshot(const std::string& archive_path,
                                                              const std::string& target,
                                                              bool replace) = 0;
};

}  // namespace quarry

#endif  // QUARRY_ENGINE_H_
