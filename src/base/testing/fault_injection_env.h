// FaultInjectionEnv: a test-only Env that wraps a real one (the POSIX Env) and
// can (1) make the files look as they would after a power cut, and (2) fail
// chosen operations with EIO or ENOSPC. leveldb's db/fault_injection_test.cc
// is the model; this one also undoes renames and removals. What it models and
// what it does not is written down in docs/design/env.md.
//
// Power-loss model (SimulatePowerLoss):
//   - File data is durable up to the last successful Sync() of the file. The
//     file is cut back to its size at that Sync, and bytes below it that were
//     overwritten since (WriteAt, Append after Allocate, truncation, open with
//     kTruncate) get their synced content back: the env saves the pre-image
//     of every synced byte before it is overwritten.
//   - A directory entry (file created, renamed, removed; directory created)
//     is durable only after a successful SyncDir() of the directory holding
//     it (for a rename: of both directories). Entries that are not are undone
//     in reverse order: created files and directories disappear, renames are
//     reverted (a replaced target comes back with its durable content),
//     removed files come back with their durable content.
//   - RemoveDirRecursively() is taken as durable at once (the outcome where
//     the kernel wrote it out before the cut); nothing under it comes back.
//   - It is the most pessimistic outcome for lost data, but only one of the
//     outcomes a real crash can give: no partial sector writes, no reordering
//     of synced data, no torn renames between two directories.
//   Afterwards the env is reset: no tracked state, no faults, counters at
//   zero, and handles opened before the cut fail with FailedPrecondition
//   (Close still works: it only releases the descriptor).
//
// Faults: the mutating operations are NewWritableFile, Append, WriteAt,
// Allocate, Sync, RenameFile, RemoveFile, TruncateFile, CreateDir,
// RemoveDirRecursively and SyncDir (not Close, reads, locks, listings). Each
// one is counted; FailAfter(n) makes the n-th next one fail (and optionally
// all after it). A failed operation does nothing on disk: an injected Sync
// failure leaves the data unsynced, as a real fsync error does.
//
// Paths are resolved lexically (no symlinks) relative to "/" or the working
// directory. Files that exist when first touched are taken as durable.
//
// Thread-safety: every operation takes one mutex, so the env and its handles
// may be used from many threads; results are deterministic for a given
// sequence of calls. Handles may outlive the env.
#ifndef QUARRY_BASE_TESTING_FAULT_INJECTION_ENV_H_
#define QUARRY_BASE_TESTING_FAULT_INJECTION_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/env.h"

namespace quarry::testing {

// The operations a FaultInjectionEnv counts and can fail.
enum class EnvOp {
  kNewWritableFile,
  kAppend,
  kWriteAt,
  kAllocate,
  kSync,
  kRenameFile,
  kRemoveFile,
  kTruncateFile,
  kCreateDir,
  kRemoveDir,
  kSyncDir,
};
inline constexpr int kEnvOpCount = 11;

enum class InjectedFault {
  kIoError,  // IOError "injected EIO"
  kNoSpace,  // NoSpace "injected ENOSPC"
};

class FaultInjectionEnv final : public Env {
 public:
  explicit FaultInjectionEnv(std::shared_ptr<Env> target);
  ~FaultInjectionEnv() override;
  FaultInjectionEnv(const FaultInjectionEnv&) = delete;
  FaultInjectionEnv& operator=(const FaultInjectionEnv&) = delete;

  // Puts the real files in the state a power cut would leave (see above),
  // then resets the env. Returns the first error of the real file system
  // met while doing so (the restore goes on past it).
  Status SimulatePowerLoss();

  // The n-th next mutating operation fails with `fault` (n = 1: the very
  // next one); with `sticky`, every one after it fails too until
  // ClearFaults(). REQUIRES: n >= 1.
  void FailAfter(uint64_t n, InjectedFault fault, bool sticky = false);
  // While on, every Append, WriteAt and Allocate fails with ENOSPC (a full
  // disk); other operations go through, as on a real full disk where
  // removing files is what frees space.
  void SetDiskFull(bool full);
  // Ends FailAfter and disk-full; keeps the counters and tracked state.
  void ClearFaults();

  // Operations since construction, the last power loss or ResetCounters(),
  // including the ones that failed.
  uint64_t OpCount(EnvOp op) const;
  uint64_t MutatingOpCount() const;
  void ResetCounters();

  // Env.
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        OpenMode mode) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Result<MappedFile> MapFile(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status TruncateFile(const std::string& path, uint64_t size) override;
  Status CreateDir(const std::string& path) override;
  Status RemoveDirRecursively(const std::string& path) override;
  Status SyncDir(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Result<uint64_t> FreeSpace(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

  class Model;  // the tracked state; defined in the .cc

 private:
  std::shared_ptr<Model> model_;  // shared with the handles, which may outlive the env
};

}  // namespace quarry::testing

#endif  // QUARRY_BASE_TESTING_FAULT_INJECTION_ENV_H_
