// WalWriter: appends records to the write-ahead log and makes them durable.
//
// A record is durable once Sync() has returned Ok for it. The collection
// acknowledges a write only then (fsync policy `always`), or lets a
// background task call Sync() every few milliseconds (`interval`), or never
// (`never`: the OS writes back when it likes).
//
// Failure handling (PostgreSQL's "fsyncgate" lesson): after a failed Sync()
// the kernel may have dropped the dirty pages, so a later Sync() that
// succeeds proves nothing. The writer is then failed for good and every call
// returns the first error; the collection turns read-only and says why. A
// failed Append() (typically ENOSPC) is undone by truncating the file back to
// its last good end; if that works the writer stays usable, so writes resume
// once space is freed.
//
// Thread-safety: all methods may be called from any thread (one mutex).
#ifndef QUARRY_STORAGE_WAL_WRITER_H_
#define QUARRY_STORAGE_WAL_WRITER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/env.h"
#include "quarry/status.h"
#include "storage/wal_format.h"

namespace quarry::storage {

class WalWriter {
 public:
  // Starts a new log file in `dir` (which must exist) whose first record will
  // have LSN `next_lsn`. The file's header and its directory entry are durable
  // before this returns. An existing file of the same name holds no valid
  // record (recovery ended before next_lsn) and is replaced.
  static Result<std::unique_ptr<WalWriter>> Create(Env& env, std::string dir, uint64_t next_lsn);

  ~WalWriter();

  // Appends one record and returns its LSN. Not durable until Sync().
  // InvalidArgument for a payload over kMaxWalPayload.
  Result<uint64_t> Append(WalRecordType type, std::string_view payload);
  // Makes every appended record durable. Starts a new file first when the
  // current one has passed kWalFileTargetBytes.
  Status Sync();
  // Starts a new file: records from next_lsn() on go there, so that older
  // files can be removed once their records are in sealed segments.
  Status Roll();

  uint64_t next_lsn() const;
  // Highest LSN known durable (0 when none).
  uint64_t synced_lsn() const;
  // Ok, or the error that failed the writer for good.
  Status failure() const;

 private:
  WalWriter(Env& env, std::string dir) : env_(env), dir_(std::move(dir)) {}
  Status OpenFileLocked(uint64_t first_lsn);
  Status SyncLocked();
  Status RollLocked();
  Status FailLocked(Status s);

  Env& env_;
  const std::string dir_;
  mutable std::mutex mu_;
  std::unique_ptr<WritableFile> file_;  // guarded by mu_
  std::string file_path_;               // guarded by mu_
  uint64_t next_lsn_ = 1;               // guarded by mu_
  uint64_t synced_lsn_ = 0;             // guarded by mu_
  Status failure_;                      // guarded by mu_
};

// The path of the log file whose first record has LSN `first_lsn`.
std::string WalFileName(const std::string& dir, uint64_t first_lsn);

// Removes the log files all of whose records have LSN <= `durable_lsn` (they
// are in sealed segments). The newest file is always kept.
Status RemoveObsoleteWalFiles(Env& env, const std::string& dir, uint64_t durable_lsn);

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_WAL_WRITER_H_
