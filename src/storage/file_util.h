// Whole-file reads, crash-safe whole-file replacement, and the data-directory
// lock.
//
// This is the foundation's file layer; the write-ahead log and segments
// replace whole-file writes, and an Env interface will route all of this
// through one place for fault injection.
//
// Thread-safety: functions are reentrant; DirectoryLock is a move-only owner.
#ifndef QUARRY_STORAGE_FILE_UTIL_H_
#define QUARRY_STORAGE_FILE_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry::storage {

// Reads the whole file. Files over max_bytes are refused before reading.
Result<std::string> ReadFileToString(const std::string& path, uint64_t max_bytes);

// Replaces `path` with `data` so that after a crash the file holds either the
// old or the new content, never a mix: write `path`.tmp, fsync it, rename it
// over `path`, fsync the directory. An error at any step leaves `path` as it was.
Status WriteFileAtomically(const std::string& path, std::string_view data);

// fsyncs a directory so that entries created or renamed in it are durable.
Status SyncDirectory(const std::string& dir);

// An exclusive advisory lock (flock) on <dir>/LOCK, held while the object
// lives, so two processes never write the same data directory.
class DirectoryLock {
 public:
  static Result<DirectoryLock> Acquire(const std::string& dir);
  DirectoryLock(DirectoryLock&& other) noexcept;
  DirectoryLock& operator=(DirectoryLock&& other) noexcept;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  ~DirectoryLock();

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_FILE_UTIL_H_
