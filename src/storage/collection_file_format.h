// Constants of the collection file (format version 1).
// The layout is specified in docs/format/collection-file.md; keep both in step.
//
//   offset 0   magic      8 bytes  "QRYCOLL\0"
//   offset 8   version    u32      kCollectionFileVersion
//   offset 12  flags      u32      0 (reserved)
//   offset 16  body_len   u64      length of the body in bytes
//   offset 24  body_crc   u32      CRC-32C of the body
//   offset 28  header_crc u32      CRC-32C of bytes 0..27
//   offset 32  body       body_len bytes (see collection_file.cc)
//
// All integers little-endian. Nothing may follow the body.
#ifndef QUARRY_STORAGE_COLLECTION_FILE_FORMAT_H_
#define QUARRY_STORAGE_COLLECTION_FILE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace quarry::storage {

inline constexpr std::string_view kCollectionFileMagic{"QRYCOLL\0", 8};
inline constexpr uint32_t kCollectionFileVersion = 1;
inline constexpr size_t kCollectionFileHeaderSize = 32;
inline constexpr const char* kCollectionFileName = "collection.qc";

// Refuse to load files larger than this (a guard against absurd sizes, far
// above what whole-file persistence is meant for).
inline constexpr uint64_t kMaxCollectionFileBytes = 64ull << 30;

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_COLLECTION_FILE_FORMAT_H_
