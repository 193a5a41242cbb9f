#include "storage/checksummed_file.h"

#include "base/crc32c.h"
#include "storage/coding.h"

namespace quarry::storage {

std::string EncodeChecksummedFile(std::string_view magic, uint32_t version, std::string_view body) {
  Encoder e;
  e.buffer().append(magic);
  e.PutU32(version);
  e.PutU32(0);  // flags
  e.PutU64(body.size());
  e.PutU32(crc32c::Value(body));
  e.PutU32(crc32c::Value(e.buffer()));
  std::string out = std::move(e.buffer());
  out.append(body);
  return out;
}

Result<ChecksummedBody> DecodeChecksummedFile(std::string_view bytes, std::string_view magic,
                                              uint32_t max_version, const std::string& what) {
  auto corrupt = [&what](const std::string& m) { return Status::Corruption(what + ": " + m); };
  if (bytes.size() < kChecksummedHeaderSize) {
    return corrupt("file is " + std::to_string(bytes.size()) + " bytes, shorter than its " +
                   std::to_string(kChecksummedHeaderSize) + "-byte header (truncated?)");
  }
  if (bytes.substr(0, magic.size()) != magic) return corrupt("bad magic number");
  Decoder d(bytes.substr(magic.size(), kChecksummedHeaderSize - magic.size()));
  uint32_t version = 0, flags = 0, body_crc = 0, header_crc = 0;
  uint64_t body_len = 0;
  d.GetU32(&version);
  d.GetU32(&flags);
  d.GetU64(&body_len);
  d.GetU32(&body_crc);
  d.GetU32(&header_crc);
  if (crc32c::Value(bytes.data(), kChecksummedHeaderSize - 4) != header_crc) {
    return corrupt("header checksum mismatch");
  }
  if (version > max_version) {
    return Status::NotSupported(what + ": format version " + std::to_string(version) +
                                " is newer than this Quarry reads (" +
                                std::to_string(max_version) + "); upgrade Quarry");
  }
  if (version == 0) return corrupt("format version 0");
  const uint64_t available = bytes.size() - kChecksummedHeaderSize;
  if (body_len != available) {
    return corrupt("header declares a " + std::to_string(body_len) + "-byte body but " +
                   std::to_string(available) + " bytes follow (truncated or extended file)");
  }
  std::string_view body = bytes.substr(kChecksummedHeaderSize);
  if (crc32c::Value(body) != body_crc) return corrupt("body checksum mismatch");
  return ChecksummedBody{version, body};
}

}  // namespace quarry::storage
