// Env: the one door through which Quarry touches the file system.
//
// Every file operation of the storage engine and of the index files (open,
// read, write, fsync, rename, mmap, directory fsync, allocate, lock) goes
// through an Env, so that tests can put a FaultInjectionEnv in its place and
// lose unsynced data, fail the N-th operation with EIO, or run out of space
// (leveldb's Env and its fault_injection_test are the model).
//
// Env lives in base/ rather than storage/ because vector/ (below storage/)
// writes the HNSW index files; see docs/design/env.md.
//
// Errors: NotFound when a path does not exist, NoSpace for ENOSPC and EDQUOT
// (the server answers 507), IOError for everything else. Messages
// name the operation and the path.
//
// Thread-safety: an Env may be used from many threads at once. A
// WritableFile is used by one thread at a time; a RandomAccessFile may be
// read from many threads at once (pread(2) has no file position).
#ifndef QUARRY_BASE_ENV_H_
#define QUARRY_BASE_ENV_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/mapped_file.h"
#include "quarry/status.h"

namespace quarry {

// A file being written. Appends are buffered by the OS until Sync().
class WritableFile {
 public:
  virtual ~WritableFile() = default;

  // Appends at the end of the file.
  virtual Status Append(std::string_view data) = 0;
  // Overwrites bytes already written (a header patched once the body is
  // known). REQUIRES: offset + data.size() <= Size().
  virtual Status WriteAt(uint64_t offset, std::string_view data) = 0;
  // Reserves disk blocks for [offset, offset + length) so that later writes
  // (or writes through a mapping) cannot fail for lack of space
  // (posix_fallocate). Does not change what Append() appends after.
  virtual Status Allocate(uint64_t offset, uint64_t length) = 0;
  // Makes everything written so far durable (fdatasync).
  virtual Status Sync() = 0;
  // Closes the file. Later calls fail. Unsynced data is not made durable.
  virtual Status Close() = 0;
  // Bytes appended so far (the logical end of the file).
  virtual uint64_t Size() const = 0;
};

// A file read at arbitrary offsets.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to out.size() bytes at `offset`; returns how many were read
  // (fewer only at the end of the file).
  virtual Result<size_t> Read(uint64_t offset, std::span<uint8_t> out) const = 0;
  virtual uint64_t Size() const = 0;
  // Tells the kernel that reads will be scattered, so a read brings in only
  // the pages it asks for (posix_fadvise(POSIX_FADV_RANDOM): no read-ahead).
  // A hint: failures are ignored.
  virtual void AdviseRandom() const {}
};

// Held while it lives; released by destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

enum class OpenMode {
  kTruncate,  // create, or empty an existing file
  kAppend,    // create, or continue at the end of an existing file
};

class Env {
 public:
  virtual ~Env() = default;

  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                                OpenMode mode) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;
  // Maps the whole file read-only (an empty file gives an empty mapping).
  virtual Result<MappedFile> MapFile(const std::string& path) = 0;

  // Atomically replaces `to` with `from` (rename(2)). Durable only after
  // SyncDir() of the directory.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Shrinks (or extends with zeros) a file to `size` bytes.
  virtual Status TruncateFile(const std::string& path, uint64_t size) = 0;
  // Creates a directory; an existing directory is not an error.
  virtual Status CreateDir(const std::string& path) = 0;
  // Removes a directory and everything under it; a missing one is not an error.
  virtual Status RemoveDirRecursively(const std::string& path) = 0;
  // Makes the directory's entries (created, renamed, removed files) durable.
  virtual Status SyncDir(const std::string& path) = 0;
  // Names in the directory, without "." and "..", sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  // Size of a regular file; InvalidArgument if `path` is not one.
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // Bytes available to an unprivileged writer on the file system of `path`.
  virtual Result<uint64_t> FreeSpace(const std::string& path) = 0;
  // An exclusive advisory lock on `path` (created if missing), so two
  // processes never write one data directory. FailedPrecondition when held.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
};

// The POSIX Env. Stateless: one may be shared by everything in a process.
std::shared_ptr<Env> NewPosixEnv();

// Helpers built on the interface, so that every Env gets them.

// Reads a whole file. Files over max_bytes are refused before reading
// (ResourceExhausted); directories and other non-files are InvalidArgument.
Result<std::string> ReadFileToString(Env& env, const std::string& path, uint64_t max_bytes);

// Replaces `path` with `data` so that after a crash it holds the old or the
// new content, never a mix: write `path`.tmp, fsync, rename over `path`,
// fsync the directory. On error `path` is as it was and the .tmp is removed.
Status WriteFileAtomically(Env& env, const std::string& path, std::string_view data);

// The directory part of a path ("." when there is none).
std::string DirName(const std::string& path);

}  // namespace quarry

#endif  // QUARRY_BASE_ENV_H_
