// Snapshots of one collection: its MANIFEST, the files of the segments the
// MANIFEST lists and the write-ahead log, archived with a checksum per file.
// Restoring them gives the collection as of the moment the log was synced
// here, plus whatever complete records followed before the archive read them.
#include "engine/collection_impl.h"
#include "storage/snapshot_archive.h"
#include "storage/wal_files.h"

namespace quarry::engine {
namespace {

// Appends the regular files under root/rel to `out` as paths relative to root.
Status ListFilesRecursively(Env& env, const std::string& root, const std::string& rel,
                            std::vector<std::string>* out) {
  QUARRY_ASSIGN_OR_RETURN(std::vector<std::string> names, env.ListDir(root + "/" + rel));
  for (const std::string& name : names) {
    const std::string child = rel + "/" + name;
    if (env.FileSize(root + "/" + child).ok()) {
      out->push_back(child);
    } else {
      QUARRY_RETURN_IF_ERROR(ListFilesRecursively(env, root, child, out));
    }
  }
  return Status::Ok();
}

}  // namespace

Status CollectionImpl::WriteSnapshot(const std::string& archive_path) {
  // No seal or merge may replace the MANIFEST or remove files meanwhile.
  std::lock_guard<std::mutex> merge_lock(merge_mu_);
  std::lock_guard<std::mutex> seal_lock(seal_mu_);
  std::vector<std::string> files = {storage::kManifestFileName};
  {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    if (dropped_) return Status::NotFound("collection '" + name_ + "' was deleted");
    // Every applied write is in the log files copied below.
    QUARRY_RETURN_IF_ERROR(wal_->Sync());
    std::shared_lock<std::shared_mutex> state_lock(state_mu_);
    for (const auto& seg : sealed_) {
      const std::string seg_dir = storage::SegmentDirName(dir_, seg->id());
      QUARRY_RETURN_IF_ERROR(
          ListFilesRecursively(*env_, dir_, seg_dir.substr(dir_.size() + 1), &files));
    }
  }
  QUARRY_ASSIGN_OR_RETURN(std::vector<storage::WalFile> wal_files,
                          storage::ListWalFiles(*env_, dir_ + "/wal"));
  for (const storage::WalFile& f : wal_files) files.push_back(f.path.substr(dir_.size() + 1));
  return storage::WriteSnapshotArchive(*env_, dir_, files, archive_path);
}

}  // namespace quarry::engine
