#include "storage/wal_reader.h"

#include <optional>
#include <vector>

#include "storage/wal_files.h"

namespace quarry::storage {
namespace {

// A file may exceed the target size by one record.
constexpr uint64_t kMaxWalFileBytes =
    kWalFileTargetBytes + kWalFileHeaderSize + kWalRecordHeaderSize + kMaxWalPayload;

Status Corrupt(const std::string& path, uint64_t offset, const std::string& what) {
  return Status::Corruption("write-ahead log '" + path + "' at offset " + std::to_string(offset) +
                            ": " + what);
}

// True if a valid record with LSN >= min_lsn starts anywhere in `bytes`
// (which begins at file offset `base`); sets *found_offset. Used to tell a
// torn tail (nothing valid follows) from damage in the middle of the log.
bool FindValidRecordAfter(std::string_view bytes, uint64_t min_lsn, size_t* found_offset) {
  for (size_t i = 1; i + kWalRecordHeaderSize <= bytes.size(); ++i) {
    std::optional<WalRecordView> r = DecodeWalRecord(bytes.substr(i));
    if (r && r->lsn >= min_lsn) {
      *found_offset = i;
      return true;
    }
  }
  return false;
}

Status TruncateDurably(Env& env, const std::string& path, uint64_t size) {
  QUARRY_RETURN_IF_ERROR(env.TruncateFile(path, size));
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f,
                          env.NewWritableFile(path, OpenMode::kAppend));
  QUARRY_RETURN_IF_ERROR(f->Sync());
  return f->Close();
}

}  // namespace

Result<WalRecoveryReport> RecoverWal(Env& env, const std::string& dir, uint64_t after_lsn,
                                     const WalRecordFn& fn) {
  QUARRY_ASSIGN_OR_RETURN(std::vector<WalFile> files, ListWalFiles(env, dir));
  WalRecoveryReport report;
  report.last_lsn = after_lsn;
  // LSN the next record must carry; unknown until the first file is read.
  std::optional<uint64_t> expected;
  for (size_t f = 0; f < files.size(); ++f) {
    const WalFile& file = files[f];
    const bool newest = f + 1 == files.size();
    QUARRY_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(env, file.path, kMaxWalFileBytes));
    QUARRY_ASSIGN_OR_RETURN(std::optional<uint64_t> first_lsn, DecodeWalFileHeader(bytes));
    if (!first_lsn || *first_lsn != file.first_lsn) {
      size_t found = 0;
      const bool records_follow = FindValidRecordAfter(bytes, file.first_lsn, &found);
      if (!records_follow) {
        // Created by a writer that died (or hit a full disk) before its
        // header was durable: it holds no record. The LSN check on the next
        // file still catches anything missing.
        QUARRY_RETURN_IF_ERROR(env.RemoveFile(file.path));
        QUARRY_RETURN_IF_ERROR(env.SyncDir(dir));
        report.bytes_truncated += bytes.size();
        report.truncated_file = file.path;
        continue;
      }
      return Corrupt(file.path, 0, "damaged file header");
    }
    if (!expected) {
      if (file.first_lsn > after_lsn + 1) {
        return Corrupt(file.path, 0,
                       "records " + std::to_string(after_lsn + 1) + " to " +
                           std::to_string(file.first_lsn - 1) +
                           " are missing (the log starts after the segments end)");
      }
      expected = file.first_lsn;
    } else if (file.first_lsn != *expected) {
      return Corrupt(file.path, 0,
                     "starts at LSN " + std::to_string(file.first_lsn) + " but LSN " +
                         std::to_string(*expected) + " was expected (a log file is missing)");
    }
    size_t offset = kWalFileHeaderSize;
    while (offset < bytes.size()) {
      std::string_view rest = std::string_view(bytes).substr(offset);
      std::optional<WalRecordView> r = DecodeWalRecord(rest);
      if (!r || r->lsn != *expected) {
        size_t found = 0;
        if (!newest || FindValidRecordAfter(rest, *expected, &found)) {
          return Corrupt(file.path, offset,
                         "record LSN " + std::to_string(*expected) +
                             " is damaged and valid records follow it; refusing to skip "
                             "acknowledged writes");
        }
        QUARRY_RETURN_IF_ERROR(TruncateDurably(env, file.path, offset));
        report.bytes_truncated += rest.size();
        report.truncated_file = file.path;
        break;
      }
      if (r->lsn > after_lsn) {
        QUARRY_RETURN_IF_ERROR(fn(r->lsn, r->type, r->payload));
        ++report.records_replayed;
      }
      if (r->lsn > report.last_lsn) report.last_lsn = r->lsn;
      ++*expected;
      offset += r->encoded_size;
    }
  }
  return report;
}

}  // namespace quarry::storage
