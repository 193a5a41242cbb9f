// Snapshot archives: one file holding a copy of a collection directory, with
// a CRC-32C per file, that can be listed, downloaded and restored.
// Format: docs/format/snapshot-archive.md (constants in snapshot_archive_format.h).
//
// An archive may come from anywhere (an upload), so the reader trusts
// nothing: before a single byte is written, a restore checks every entry's
// path (relative, no "..", ".", empty components, backslashes or control
// characters; no path both a file and a directory; no duplicates), kind
// (regular files only: no links, devices or directories), sizes against the
// archive's own size and the caller's limits, and every checksum. Qdrant had
// path-traversal and symlink CVEs in exactly this place.
//
// Errors: Corruption when bytes fail verification (truncation, bit flips,
// inconsistent sizes); InvalidArgument when a well-formed archive holds what
// we refuse (a traversal path, a link); ResourceExhausted when a limit is
// exceeded; NotSupported for a newer format version.
//
// Thread-safety: functions are reentrant. Two restores into one target, or a
// write while the source files change, are the caller's to prevent.
#ifndef QUARRY_STORAGE_SNAPSHOT_ARCHIVE_H_
#define QUARRY_STORAGE_SNAPSHOT_ARCHIVE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "quarry/status.h"

namespace quarry::storage {

// What a reader accepts. The defaults fit a large collection; callers taking
// uploads from users may lower them.
struct SnapshotLimits {
  uint64_t max_entries = 100'000;
  uint64_t max_file_bytes = 64ull << 30;
  uint64_t max_total_bytes = 1ull << 40;
  uint32_t max_path_bytes = 1024;
  uint32_t max_path_depth = 16;  // components in one path
};

struct SnapshotEntry {
  std::string path;  // relative, '/'-separated, validated
  uint64_t size = 0;
  uint32_t crc32c = 0;
  uint64_t offset = 0;  // of the content in the archive
};

struct SnapshotManifest {
  uint32_t version = 0;
  uint64_t archive_bytes = 0;
  uint64_t total_bytes = 0;            // sum of the entries' sizes
  std::vector<SnapshotEntry> entries;  // in archive order
};

// Writes `relative_files` (paths under source_dir, as they will be restored)
// to `archive_path` atomically: archive_path.tmp is written, fsynced, renamed
// into place and the directory fsynced; on error archive_path is untouched
// and the .tmp is removed. REQUIRES: the files do not change meanwhile (an
// immutable segment, a copy of the manifest).
Status WriteSnapshotArchive(Env& env, const std::string& source_dir,
                            const std::vector<std::string>& relative_files,
                            const std::string& archive_path);

// Checks the structure of the archive and every header and lists its entries
// (for the list and download APIs). Reads only the headers: contents are
// verified by VerifySnapshotArchive and by a restore.
Result<SnapshotManifest> ReadSnapshotArchiveIndex(const RandomAccessFile& archive,
                                                  std::string_view name,
                                                  const SnapshotLimits& limits);
Result<SnapshotManifest> ReadSnapshotArchiveIndex(Env& env, const std::string& archive_path,
                                                  const SnapshotLimits& limits);

// Checks every entry's content against its CRC-32C.
// REQUIRES: `manifest` was read from this archive.
Status VerifySnapshotArchive(const RandomAccessFile& archive, std::string_view name,
                             const SnapshotManifest& manifest);

// Restores the archive into target_dir, which must not exist (AlreadyExists)
// and whose parent must. Everything is validated first; then the files are
// written into target_dir + ".restoring" (a leftover of a crashed restore is
// removed first), fsynced with their directories, and renamed to target_dir,
// whose parent is fsynced. On error nothing is left behind.
Status RestoreSnapshotArchive(Env& env, const std::string& archive_path,
                              const std::string& target_dir, const SnapshotLimits& limits);

// Whether `path` may name an archive entry: non-empty, within the limits,
// relative, '/'-separated components that are neither empty, "." nor "..",
// with no backslash, NUL or other control character. InvalidArgument says why.
Status ValidateSnapshotPath(std::string_view path, const SnapshotLimits& limits);

// Validates each path and the set: no duplicates, and no path that is also a
// directory of another ("a" and "a/b").
Status ValidateSnapshotPaths(const std::vector<std::string>& paths, const SnapshotLimits& limits);

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_SNAPSHOT_ARCHIVE_H_
