// Constants of the write-ahead log (format version 2; version 1 is still read).
// The layout is specified in docs/format/wal.md; keep both in step.
//
// A log is a sequence of files wal/<first_lsn, 20 digits>.log. Each file:
//
//   file header (32 bytes)
//     offset 0   magic       8 bytes  "QRYWAL\0\0"
//     offset 8   version     u32      kWalVersion
//     offset 12  flags       u32      0 (reserved)
//     offset 16  first_lsn   u64      LSN of the file's first record
//     offset 24  header_crc  u32      CRC-32C of bytes 0..23
//     offset 28  reserved    u32      0
//   records, back to back
//     offset 0   length      u32      payload bytes
//     offset 4   crc         u32      CRC-32C of bytes 8.. (lsn, type, payload)
//     offset 8   lsn         u64      first_lsn of the file, then +1 per record
//     offset 16  type        u8       WalRecordType
//     offset 17  payload     length bytes
//
// Version 2 added the record type kWriteBatch (2): documents in layout 2,
// with a page per chunk. Version 1 files hold kWriteBatchV1 records only. The
// file version went up with it because a version 1 reader takes an unknown
// record type for damage and would cut it off as a torn tail; it now refuses
// the file instead ("upgrade Quarry").
//
// All integers little-endian. A record is valid only if its length is within
// bounds, its crc matches and its lsn is the next one expected.
#ifndef QUARRY_STORAGE_WAL_FORMAT_H_
#define QUARRY_STORAGE_WAL_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace quarry::storage {

inline constexpr std::string_view kWalMagic{"QRYWAL\0\0", 8};
inline constexpr uint32_t kWalVersion = 2;
inline constexpr uint32_t kOldestWalVersion = 1;  // still read
inline constexpr size_t kWalFileHeaderSize = 32;
inline constexpr size_t kWalRecordHeaderSize = 17;
// Largest payload a record may carry (a batch of documents with their
// vectors). Larger writes are refused before anything is appended.
inline constexpr uint32_t kMaxWalPayload = 256u << 20;
// A writer starts a new file once the current one passes this size.
inline constexpr uint64_t kWalFileTargetBytes = 64ull << 20;
inline constexpr const char* kWalFileSuffix = ".log";

enum class WalRecordType : uint8_t {
  // Documents upserted and removed (storage/write_batch.h), the documents in
  // layout 1 (storage/document_codec.h). Read only, from version 1 logs.
  kWriteBatchV1 = 1,
  kWriteBatch = 2,  // the same, the documents in layout 2 (pages kept)
};

// The layout of the documents in a write-batch record of type `type`.
inline constexpr uint32_t WriteBatchDocumentLayout(WalRecordType type) {
  return type == WalRecordType::kWriteBatchV1 ? 1 : 2;
}

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_WAL_FORMAT_H_
