// The envelope of Quarry's small metadata files (MANIFEST, segment metadata):
// a 32-byte header with magic, version, body length and the CRC-32C of body
// and header, then the body.
//
//   offset 0   magic      8 bytes
//   offset 8   version    u32
//   offset 12  flags      u32      0 (reserved)
//   offset 16  body_len   u64
//   offset 24  body_crc   u32      CRC-32C of the body
//   offset 28  header_crc u32      CRC-32C of bytes 0..27
//   offset 32  body
//
// Thread-safety: pure functions.
#ifndef QUARRY_STORAGE_CHECKSUMMED_FILE_H_
#define QUARRY_STORAGE_CHECKSUMMED_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry::storage {

inline constexpr size_t kChecksummedHeaderSize = 32;

std::string EncodeChecksummedFile(std::string_view magic, uint32_t version, std::string_view body);

struct ChecksummedBody {
  uint32_t version = 0;
  std::string_view body;  // a view into the decoded bytes
};

// Verifies magic, both checksums and the length (nothing may follow the
// body). Versions above `max_version` are NotSupported; other failures are
// Corruption prefixed with `what` (e.g. the file name).
Result<ChecksummedBody> DecodeChecksummedFile(std::string_view bytes, std::string_view magic,
                                              uint32_t max_version, const std::string& what);

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_CHECKSUMMED_FILE_H_
