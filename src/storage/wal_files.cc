#include "storage/wal_files.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "base/crc32c.h"
#include "storage/coding.h"

namespace quarry::storage {
namespace {

constexpr size_t kLsnDigits = 20;

std::optional<uint64_t> ParseWalFileName(std::string_view name) {
  const std::string_view suffix = kWalFileSuffix;
  if (name.size() != kLsnDigits + suffix.size() || !name.ends_with(suffix)) return std::nullopt;
  uint64_t lsn = 0;
  for (size_t i = 0; i < kLsnDigits; ++i) {
    const char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (lsn > (UINT64_MAX - digit) / 10) return std::nullopt;
    lsn = lsn * 10 + digit;
  }
  return lsn;
}

uint32_t LoadU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

Result<std::vector<WalFile>> ListWalFiles(Env& env, const std::string& dir) {
  QUARRY_ASSIGN_OR_RETURN(std::vector<std::string> names, env.ListDir(dir));
  std::vector<WalFile> files;
  for (const std::string& name : names) {
    if (std::optional<uint64_t> lsn = ParseWalFileName(name)) {
      files.push_back({*lsn, dir + "/" + name});
    }
  }
  std::sort(files.begin(), files.end(),
            [](const WalFile& a, const WalFile& b) { return a.first_lsn < b.first_lsn; });
  return files;
}

std::string EncodeWalFileHeader(uint64_t first_lsn, uint32_t version) {
  Encoder e;
  e.buffer().append(kWalMagic);
  e.PutU32(version);
  e.PutU32(0);  // flags
  e.PutU64(first_lsn);
  e.PutU32(crc32c::Value(e.buffer()));
  e.PutU32(0);  // reserved
  return std::move(e.buffer());
}

Result<std::optional<uint64_t>> DecodeWalFileHeader(std::string_view bytes) {
  if (bytes.size() < kWalFileHeaderSize || bytes.substr(0, kWalMagic.size()) != kWalMagic) {
    return std::optional<uint64_t>();
  }
  Decoder d(bytes.substr(kWalMagic.size(), kWalFileHeaderSize - kWalMagic.size()));
  uint32_t version = 0, flags = 0, crc = 0;
  uint64_t first_lsn = 0;
  d.GetU32(&version);
  d.GetU32(&flags);
  d.GetU64(&first_lsn);
  d.GetU32(&crc);
  if (crc32c::Value(bytes.data(), 24) != crc) return std::optional<uint64_t>();
  if (version > kWalVersion) {
    return Status::NotSupported("write-ahead log format version " + std::to_string(version) +
                                " is newer than this Quarry reads (" +
                                std::to_string(kWalVersion) + "); upgrade Quarry");
  }
  if (version < kOldestWalVersion || first_lsn == 0) return std::optional<uint64_t>();
  return std::optional<uint64_t>(first_lsn);
}

void EncodeWalRecord(uint64_t lsn, WalRecordType type, std::string_view payload,
                     std::string* out) {
  Encoder body;
  body.PutU64(lsn);
  body.buffer().push_back(static_cast<char>(type));
  const uint32_t crc = crc32c::Extend(crc32c::Value(body.buffer()), payload.data(), payload.size());
  Encoder header;
  header.PutU32(static_cast<uint32_t>(payload.size()));
  header.PutU32(crc);
  out->append(header.buffer());
  out->append(body.buffer());
  out->append(payload);
}

std::optional<WalRecordView> DecodeWalRecord(std::string_view bytes) {
  if (bytes.size() < kWalRecordHeaderSize) return std::nullopt;
  const uint32_t length = LoadU32(bytes.data());
  if (length > kMaxWalPayload || length > bytes.size() - kWalRecordHeaderSize) return std::nullopt;
  const uint32_t crc = LoadU32(bytes.data() + 4);
  if (crc32c::Value(bytes.data() + 8, kWalRecordHeaderSize - 8 + length) != crc) {
    return std::nullopt;
  }
  WalRecordView r;
  std::memcpy(&r.lsn, bytes.data() + 8, sizeof r.lsn);
  const uint8_t type = static_cast<uint8_t>(bytes[16]);
  if (type != static_cast<uint8_t>(WalRecordType::kWriteBatchV1) &&
      type != static_cast<uint8_t>(WalRecordType::kWriteBatch)) {
    return std::nullopt;
  }
  r.type = static_cast<WalRecordType>(type);
  r.payload = bytes.substr(kWalRecordHeaderSize, length);
  r.encoded_size = kWalRecordHeaderSize + length;
  return r;
}

}  // namespace quarry::storage
