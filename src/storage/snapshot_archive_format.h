// Constants of the snapshot archive (format version 1).
// The layout is specified in docs/format/snapshot-archive.md; keep both in step.
//
//   file header (24 bytes)
//     offset 0   magic         8 bytes  "QRYSNAP\0"
//     offset 8   version       u32      kSnapshotArchiveVersion
//     offset 12  flags         u32      0 (reserved)
//     offset 16  reserved      u32      0
//     offset 20  header_crc    u32      CRC-32C of bytes 0..19
//   entries, back to back, each:
//     offset 0   path_len      u32      1..kMaxSnapshotPathBytes
//     offset 4   kind          u32      kSnapshotEntryRegularFile
//     offset 8   size          u64      content bytes
//     offset 16  content_crc   u32      CRC-32C of the content
//     offset 20  reserved      u32      0
//     offset 24  path          path_len bytes, relative, '/'-separated
//     then       entry_crc     u32      CRC-32C of the entry header before it
//     then       content       size bytes
//   footer (24 bytes)
//     offset 0   magic         8 bytes  "QRYSNEND"
//     offset 8   entry_count   u64      >= 1
//     offset 16  reserved      u32      0
//     offset 20  archive_crc   u32      CRC-32C of the file header, every entry
//                                       header (with its entry_crc) in order,
//                                       and footer bytes 0..19
//
// All integers little-endian. The archive checksum covers the contents
// through each entry's content_crc, so listing an archive reads only headers.
#ifndef QUARRY_STORAGE_SNAPSHOT_ARCHIVE_FORMAT_H_
#define QUARRY_STORAGE_SNAPSHOT_ARCHIVE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace quarry::storage {

inline constexpr std::string_view kSnapshotArchiveMagic{"QRYSNAP\0", 8};
inline constexpr std::string_view kSnapshotFooterMagic{"QRYSNEND", 8};
inline constexpr uint32_t kSnapshotArchiveVersion = 1;
inline constexpr size_t kSnapshotHeaderSize = 24;
inline constexpr size_t kSnapshotEntryFixedSize = 24;  // before the path
inline constexpr size_t kSnapshotEntryCrcSize = 4;     // after the path
inline constexpr size_t kSnapshotFooterSize = 24;

// The only kind of entry: a regular file. Links, devices and directories are
// never archived (directories are implied by the paths).
inline constexpr uint32_t kSnapshotEntryRegularFile = 1;

// A path longer than this is corrupt whatever the reader's limits (PATH_MAX).
inline constexpr uint32_t kMaxSnapshotPathBytes = 4096;

// Suffix of the file an archive is written to before it is renamed into place.
inline constexpr std::string_view kSnapshotTempSuffix{".tmp"};
// Suffix of the directory a restore fills before renaming it to the target.
inline constexpr std::string_view kSnapshotRestoreSuffix{".restoring"};

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_SNAPSHOT_ARCHIVE_FORMAT_H_
