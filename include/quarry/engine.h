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
#include <vector>

#include "quarry/document.h"
#include "quarry/options.h"
#include "quarry/search.h"
#include "quarry/status.h"

namespace quarry {

struct CollectionInfo {
  std::string name;
  CollectionConfig config;
  std::string embedder_fingerprint;
  bool embedder_semantic = false;  // false for the lexical embedder: it matches words, not meaning
  uint64_t documents = 0;
  uint64_t chunks = 0;
  uint64_t generation = 0;
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
};

}  // namespace quarry

#endif  // QUARRY_ENGINE_H_
