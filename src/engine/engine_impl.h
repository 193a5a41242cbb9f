// EngineImpl: owns the data directory and the collections in it.
//
// Layout: <data>/LOCK (held while open), <data>/collections/<name>/ for each
// collection (docs/design/storage-engine.md). All file access goes through
// one Env. A collection directory is created as .tmp-<name> and renamed
// into place once its first file is durable, and removed by renaming it to
// .trash-<name>-<n> first, so a crash never leaves a half-made collection under
// a real name; leftovers are cleaned at the next open.
//
// Thread-safety: all methods may be called concurrently (mu_ guards the map).
#ifndef QUARRY_ENGINE_ENGINE_IMPL_H_
#define QUARRY_ENGINE_ENGINE_IMPL_H_

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "engine/collection_impl.h"
#include "quarry/engine.h"
#include "base/env.h"

namespace quarry::engine {

class EngineImpl final : public Engine {
 public:
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  // With a given Env (tests inject faults through it).
  static Result<std::unique_ptr<EngineImpl>> Open(const EngineOptions& options,
                                                  std::shared_ptr<Env> env);

  Result<std::shared_ptr<Collection>> CreateCollection(const std::string& name,
                                                       const CollectionConfig& config) override;
  Result<std::shared_ptr<Collection>> GetCollection(const std::string& name) const override;
  std::vector<CollectionInfo> ListCollections() const override;
  Status DropCollection(const std::string& name) override;
  Result<SnapshotInfo> CreateSnapshot(const std::string& collection) override;
  Result<std::vector<SnapshotInfo>> ListSnapshots(const std::string& collection) const override;
  Result<SnapshotInfo> GetSnapshot(const std::string& collection,
                                   const std::string& name) const override;
  Status DeleteSnapshot(const std::string& collection, const std::string& name) override;
  Result<std::shared_ptr<Collection>> RestoreSnapshot(const std::string& archive_path,
                                                      const std::string& target,
                                                      bool replace) override;

 private:
  EngineImpl(std::shared_ptr<Env> env, std::string collections_dir, std::string snapshots_dir,
             std::unique_ptr<FileLock> lock, bool background_merges)
      : env_(std::move(env)),
        collections_dir_(std::move(collections_dir)),
        snapshots_dir_(std::move(snapshots_dir)),
        lock_(std::move(lock)),
        background_merges_(background_merges) {}

  // Removes a collection from the map and its directory. REQUIRES: mu_ held.
  Status DropLocked(const std::string& name);

  const std::shared_ptr<Env> env_;
  const std::string collections_dir_;
  const std::string snapshots_dir_;  // <data>/snapshots/<collection>/<name>.qsnap
  std::unique_ptr<FileLock> lock_;
  const bool background_merges_;  // EngineOptions::background_merges, for every collection opened
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<CollectionImpl>> collections_;  // guarded by mu_
  uint64_t trash_counter_ = 0;  // guarded by mu_
  uint64_t snapshot_counter_ = 0;  // guarded by mu_
};

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_ENGINE_IMPL_H_
