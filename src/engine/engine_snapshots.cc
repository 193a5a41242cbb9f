// Snapshots at the engine level: where archives live, their names, and
// restoring one as a collection (validated and opened before it takes its
// name, so a bad archive never replaces anything).
#include <chrono>
#include <ctime>

#include "engine/engine_impl.h"
#include "storage/snapshot_archive.h"

namespace quarry::engine {
namespace {

constexpr std::string_view kSnapshotSuffix = ".qsnap";
constexpr std::string_view kRestorePrefix = ".tmp-restore-";

// Snapshot names come from URLs and command lines: only what we generate.
Status ValidateSnapshotName(const std::string& name) {
  const bool shape_ok = name.size() > kSnapshotSuffix.size() && name.size() <= 200 &&
                        name.ends_with(kSnapshotSuffix) && name[0] != '.';
  bool chars_ok = true;
  for (char c : name) {
    chars_ok = chars_ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
  }
  if (shape_ok && chars_ok) return Status::Ok();
  return Status::InvalidArgument("'" + name + "' is not a snapshot name (<collection>-<time>.qsnap)");
}

std::string UtcStamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

Result<SnapshotInfo> EngineImpl::CreateSnapshot(const std::string& collection) {
  std::shared_ptr<CollectionImpl> c;
  std::string name;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    auto it = collections_.find(collection);
    if (it == collections_.end()) {
      return Status::NotFound("collection '" + collection + "' does not exist");
    }
    c = it->second;
    name = collection + "-" + UtcStamp() + "-" + std::to_string(++snapshot_counter_) +
           std::string(kSnapshotSuffix);
  }
  const std::string dir = snapshots_dir_ + "/" + collection;
  // Both directory entries must survive a power loss with the archive.
  QUARRY_RETURN_IF_ERROR(env_->CreateDir(snapshots_dir_));
  QUARRY_RETURN_IF_ERROR(env_->SyncDir(DirName(snapshots_dir_)));
  QUARRY_RETURN_IF_ERROR(env_->CreateDir(dir));
  QUARRY_RETURN_IF_ERROR(env_->SyncDir(snapshots_dir_));
  const std::string path = dir + "/" + name;
  QUARRY_RETURN_IF_ERROR(c->WriteSnapshot(path));
  return GetSnapshot(collection, name);
}

Result<std::vector<SnapshotInfo>> EngineImpl::ListSnapshots(const std::string& collection) const {
  QUARRY_RETURN_IF_ERROR(ValidateCollectionName(collection));
  std::vector<SnapshotInfo> out;
  const std::string dir = snapshots_dir_ + "/" + collection;
  if (!env_->FileExists(dir)) return out;
  QUARRY_ASSIGN_OR_RETURN(std::vector<std::string> names, env_->ListDir(dir));
  for (const std::string& name : names) {
    if (!ValidateSnapshotName(name).ok()) continue;  // a temporary file
    Result<SnapshotInfo> info = GetSnapshot(collection, name);
    if (info.ok()) out.push_back(std::move(info).value());
  }
  return out;
}

Result<SnapshotInfo> EngineImpl::GetSnapshot(const std::string& collection,
                                             const std::string& name) const {
  QUARRY_RETURN_IF_ERROR(ValidateCollectionName(collection));
  QUARRY_RETURN_IF_ERROR(ValidateSnapshotName(name));
  SnapshotInfo info;
  info.name = name;
  info.collection = collection;
  info.path = snapshots_dir_ + "/" + collection + "/" + name;
  Result<uint64_t> size = env_->FileSize(info.path);
  if (!size.ok()) {
    return Status::NotFound("snapshot '" + name + "' of collection '" + collection +
                            "' does not exist");
  }
  info.bytes = *size;
  return info;
}

Status EngineImpl::DeleteSnapshot(const std::string& collection, const std::string& name) {
  QUARRY_ASSIGN_OR_RETURN(SnapshotInfo info, GetSnapshot(collection, name));
  QUARRY_RETURN_IF_ERROR(env_->RemoveFile(info.path));
  return env_->SyncDir(DirName(info.path));
}

Result<std::shared_ptr<Collection>> EngineImpl::RestoreSnapshot(const std::string& archive_path,
                                                                const std::string& target,
                                                                bool replace) {
  QUARRY_RETURN_IF_ERROR(ValidateCollectionName(target));
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (collections_.count(target) != 0 && !replace) {
    return Status::AlreadyExists("collection '" + target +
                                 "' already exists (restore under another name, or replace it)");
  }
  const std::string staging = collections_dir_ + "/" + std::string(kRestorePrefix) + target;
  QUARRY_RETURN_IF_ERROR(env_->RemoveDirRecursively(staging));
  Status restored =
      storage::RestoreSnapshotArchive(*env_, archive_path, staging, storage::SnapshotLimits());
  if (!restored.ok()) return restored.WithContext("restoring '" + archive_path + "'");
  // Open it where it is: a snapshot that does not open never gets a name.
  // (No merge thread: this open only checks, and a merge would be cancelled.)
  {
    Result<std::shared_ptr<CollectionImpl>> probe =
        CollectionImpl::Open(env_, target, staging, /*background_merges=*/false);
    if (!probe.ok()) {
      (void)env_->RemoveDirRecursively(staging);
      return probe.status().WithContext("restoring '" + archive_path + "'");
    }
  }
  if (collections_.count(target) != 0) QUARRY_RETURN_IF_ERROR(DropLocked(target));
  const std::string final_dir = collections_dir_ + "/" + target;
  QUARRY_RETURN_IF_ERROR(env_->RenameFile(staging, final_dir));
  QUARRY_RETURN_IF_ERROR(env_->SyncDir(collections_dir_));
  QUARRY_ASSIGN_OR_RETURN(std::shared_ptr<CollectionImpl> c,
                          CollectionImpl::Open(env_, target, final_dir, background_merges_));
  collections_[target] = c;
  return std::shared_ptr<Collection>(c);
}

}  // namespace quarry::engine
