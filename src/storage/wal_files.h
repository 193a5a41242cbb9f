// The pieces of the write-ahead-log format shared by its writer and reader:
// file names, the file header and the record framing (wal_format.h).
//
// Thread-safety: pure functions.
#ifndef QUARRY_STORAGE_WAL_FILES_H_
#define QUARRY_STORAGE_WAL_FILES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "quarry/status.h"
#include "storage/wal_format.h"

namespace quarry::storage {

struct WalFile {
  uint64_t first_lsn = 0;
  std::string path;
};

// The log files in `dir`, oldest first. Names that are not <20 digits>.log
// are ignored (a temporary file, an editor's backup), never read.
Result<std::vector<WalFile>> ListWalFiles(Env& env, const std::string& dir);

// `version` other than kWalVersion only in tests of old logs.
std::string EncodeWalFileHeader(uint64_t first_lsn, uint32_t version = kWalVersion);
// The first_lsn of a valid header (of any version from kOldestWalVersion to
// kWalVersion); nullopt when the bytes are not one. NotSupported when the
// header is valid but of a newer version.
Result<std::optional<uint64_t>> DecodeWalFileHeader(std::string_view bytes);

// Appends the framing and payload of one record to `out`.
void EncodeWalRecord(uint64_t lsn, WalRecordType type, std::string_view payload,
                     std::string* out);

struct WalRecordView {
  uint64_t lsn = 0;
  WalRecordType type = WalRecordType::kWriteBatch;
  std::string_view payload;
  size_t encoded_size = 0;  // header + payload
};

// The record at the start of `bytes` if its framing is whole and its checksum
// matches; nullopt otherwise. Does not check the LSN sequence.
std::optional<WalRecordView> DecodeWalRecord(std::string_view bytes);

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_WAL_FILES_H_
