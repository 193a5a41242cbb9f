// Recovery from the write-ahead log: replays every record after the LSN the
// sealed segments already hold, and repairs a torn tail.
//
// What a crash can leave, and what recovery does with it:
//  - a record cut short or garbled at the very end of the newest file (the
//    write was never acknowledged as durable): the file is truncated there,
//    and recovery says how many bytes it dropped;
//  - a damaged record followed by a valid one, or damage in an older file:
//    that is not a torn write but corruption of acknowledged data, and
//    recovery stops with an error naming the file, the offset and the LSN,
//    instead of skipping records silently;
//  - a file whose header never became durable and that holds no valid
//    record: removed (a header is synced before any record is appended to
//    its file, so it held none); the LSN sequence across the remaining
//    files is still checked.
// Recovery changes nothing but that tail, so it is idempotent: interrupted,
// it is simply run again.
//
// Thread-safety: one recovery per log directory at a time (the data
// directory lock guarantees it).
#ifndef QUARRY_STORAGE_WAL_READER_H_
#define QUARRY_STORAGE_WAL_READER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/env.h"
#include "quarry/status.h"
#include "storage/wal_format.h"

namespace quarry::storage {

struct WalRecoveryReport {
  uint64_t last_lsn = 0;          // highest LSN in the log (or after_lsn if higher)
  uint64_t records_replayed = 0;  // records with LSN > after_lsn handed to the callback
  uint64_t bytes_truncated = 0;   // torn tail cut off the newest file
  std::string truncated_file;     // which file, when bytes_truncated > 0
};

using WalRecordFn = std::function<Status(uint64_t lsn, WalRecordType type, std::string_view payload)>;

// Reads the log in `dir` and calls `fn` for each record with LSN > after_lsn,
// in LSN order. An error from `fn` stops recovery and is returned as is.
// Corruption when records are missing or damaged before the log's end.
Result<WalRecoveryReport> RecoverWal(Env& env, const std::string& dir, uint64_t after_lsn,
                                     const WalRecordFn& fn);

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_WAL_READER_H_
