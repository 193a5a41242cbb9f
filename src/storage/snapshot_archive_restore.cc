// Restoring a snapshot archive: validate everything, then write into a
// staging directory that becomes the target by one rename, so a failed or
// interrupted restore never leaves a half-restored collection under the
// target's name.
#include <algorithm>
#include <set>
#include <vector>

#include "base/crc32c.h"
#include "storage/snapshot_archive.h"
#include "storage/snapshot_archive_format.h"

namespace quarry::storage {
namespace {

// Copies one entry to `path`, checksumming again on the way: the archive is
// read a second time here and could have changed since it was verified.
Status WriteEntry(Env& env, const RandomAccessFile& archive, const std::string& archive_path,
                  const SnapshotEntry& entry, const std::string& path,
                  std::vector<uint8_t>& buffer) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> out,
                          env.NewWritableFile(path, OpenMode::kTruncate));
  uint32_t crc = 0;
  for (uint64_t done = 0; done < entry.size;) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), entry.size - done));
    QUARRY_ASSIGN_OR_RETURN(size_t got,
                            archive.Read(entry.offset + done, std::span(buffer.data(), want)));
    if (got != want) {
      return Status::Corruption("snapshot archive '" + archive_path +
                                "' shrank while it was being restored");
    }
    crc = crc32c::Extend(crc, buffer.data(), got);
    QUARRY_RETURN_IF_ERROR(
        out->Append(std::string_view(reinterpret_cast<const char*>(buffer.data()), got)));
    done += got;
  }
  if (crc != entry.crc32c) {
    return Status::Corruption("snapshot archive '" + archive_path + "' changed while '" +
                              entry.path + "' was being restored");
  }
  QUARRY_RETURN_IF_ERROR(out->Sync());
  return out->Close();
}

// Writes every entry under `staging` (created here) and makes it durable.
Status FillStaging(Env& env, const RandomAccessFile& archive, const std::string& archive_path,
                   const SnapshotManifest& manifest, const std::string& staging) {
  QUARRY_RETURN_IF_ERROR(env.CreateDir(staging));
  // Every directory the entries imply; sorted, so parents come before children.
  std::set<std::string> dirs;
  for (const SnapshotEntry& entry : manifest.entries) {
    for (size_t slash = entry.path.find('/'); slash != std::string::npos;
         slash = entry.path.find('/', slash + 1)) {
      dirs.insert(entry.path.substr(0, slash));
    }
  }
  for (const std::string& dir : dirs) QUARRY_RETURN_IF_ERROR(env.CreateDir(staging + "/" + dir));
  std::vector<uint8_t> buffer(1 << 20);
  for (const SnapshotEntry& entry : manifest.entries) {
    QUARRY_RETURN_IF_ERROR(
        WriteEntry(env, archive, archive_path, entry, staging + "/" + entry.path, buffer));
  }
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    QUARRY_RETURN_IF_ERROR(env.SyncDir(staging + "/" + *it));
  }
  return env.SyncDir(staging);
}

}  // namespace

Status RestoreSnapshotArchive(Env& env, const std::string& archive_path,
                              const std::string& target_dir, const SnapshotLimits& limits) {
  std::string target = target_dir;
  while (target.size() > 1 && target.back() == '/') target.pop_back();
  if (target.empty() || target == "/" || target == ".") {
    return Status::InvalidArgument("cannot restore a snapshot into '" + target_dir + "'");
  }
  if (env.FileExists(target)) {
    return Status::AlreadyExists("cannot restore a snapshot into '" + target +
                                 "': it already exists");
  }
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> archive,
                          env.NewRandomAccessFile(archive_path));
  QUARRY_ASSIGN_OR_RETURN(SnapshotManifest manifest,
                          ReadSnapshotArchiveIndex(*archive, archive_path, limits));
  QUARRY_RETURN_IF_ERROR(VerifySnapshotArchive(*archive, archive_path, manifest));

  const std::string parent = DirName(target);
  QUARRY_ASSIGN_OR_RETURN(uint64_t free_bytes, env.FreeSpace(parent));
  if (free_bytes < manifest.total_bytes) {
    return Status::NoSpace("restoring '" + archive_path + "' needs " +
                           std::to_string(manifest.total_bytes) + " bytes; '" + parent +
                           "' has " + std::to_string(free_bytes) + " free");
  }
  const std::string staging = target + std::string(kSnapshotRestoreSuffix);
  QUARRY_RETURN_IF_ERROR(env.RemoveDirRecursively(staging));  // left by a crashed restore
  Status s = FillStaging(env, *archive, archive_path, manifest, staging);
  if (s.ok()) s = env.RenameFile(staging, target);
  if (!s.ok()) {
    env.RemoveDirRecursively(staging);  // best effort; the error that stopped us matters more
    return s;
  }
  return env.SyncDir(parent);
}

}  // namespace quarry::storage
