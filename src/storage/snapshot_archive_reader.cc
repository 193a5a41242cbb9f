// Reading snapshot archives: the index (every header, the structure, the
// archive checksum) and the verification of every entry's content. Nothing
// here trusts a length before it has been checked against what is left of
// the archive.
#include <algorithm>
#include <vector>

#include "base/crc32c.h"
#include "storage/coding.h"
#include "storage/snapshot_archive.h"
#include "storage/snapshot_archive_format.h"

namespace quarry::storage {
namespace {

Status Corrupt(std::string_view name, const std::string& what) {
  return Status::Corruption("snapshot archive '" + std::string(name) + "' " + what);
}

std::string At(uint64_t offset) { return "at offset " + std::to_string(offset); }

// Reads exactly n bytes at offset; an archive that ends earlier is corrupt
// (the size was checked when it was opened, so it shrank meanwhile).
Status ReadExactly(const RandomAccessFile& file, std::string_view name, uint64_t offset, size_t n,
                   std::string* out) {
  out->resize(n);
  QUARRY_ASSIGN_OR_RETURN(size_t got,
                          file.Read(offset, std::span(reinterpret_cast<uint8_t*>(out->data()), n)));
  if (got != n) return Corrupt(name, "ends " + At(offset + got) + ", inside a header");
  return Status::Ok();
}

struct Header {
  uint32_t version = 0;
  uint32_t flags = 0;
  uint32_t reserved = 0;
  uint32_t crc = 0;
};

Status CheckHeader(std::string_view name, const std::string& bytes) {
  if (std::string_view(bytes).substr(0, kSnapshotArchiveMagic.size()) != kSnapshotArchiveMagic) {
    return Corrupt(name, "is not a Quarry snapshot archive (bad magic)");
  }
  Decoder d(std::string_view(bytes).substr(kSnapshotArchiveMagic.size()));
  Header h;
  d.GetU32(&h.version);
  d.GetU32(&h.flags);
  d.GetU32(&h.reserved);
  d.GetU32(&h.crc);
  if (crc32c::Value(bytes.data(), kSnapshotHeaderSize - 4) != h.crc) {
    return Corrupt(name, "header fails its checksum");
  }
  if (h.version > kSnapshotArchiveVersion) {
    return Status::NotSupported("snapshot archive '" + std::string(name) + "' has format version " +
                                std::to_string(h.version) + "; this Quarry reads version " +
                                std::to_string(kSnapshotArchiveVersion) + " (upgrade Quarry)");
  }
  if (h.version != kSnapshotArchiveVersion) {
    return Corrupt(name, "has unknown format version " + std::to_string(h.version));
  }
  if (h.flags != 0 || h.reserved != 0) return Corrupt(name, "has reserved header fields set");
  return Status::Ok();
}

struct EntryHeader {
  uint32_t path_len = 0;
  uint32_t kind = 0;
  uint64_t size = 0;
  uint32_t content_crc = 0;
  uint32_t reserved = 0;
};

EntryHeader DecodeEntryHeader(std::string_view fixed) {
  Decoder d(fixed);
  EntryHeader h;
  d.GetU32(&h.path_len);
  d.GetU32(&h.kind);
  d.GetU64(&h.size);
  d.GetU32(&h.content_crc);
  d.GetU32(&h.reserved);
  return h;
}

}  // namespace

Result<SnapshotManifest> ReadSnapshotArchiveIndex(const RandomAccessFile& archive,
                                                  std::string_view name,
                                                  const SnapshotLimits& limits) {
  const uint64_t size = archive.Size();
  if (size < kSnapshotHeaderSize + kSnapshotFooterSize) {
    return Corrupt(name, "is " + std::to_string(size) +
                             " bytes, too short for a snapshot archive (truncated?)");
  }
  std::string header;
  QUARRY_RETURN_IF_ERROR(ReadExactly(archive, name, 0, kSnapshotHeaderSize, &header));
  QUARRY_RETURN_IF_ERROR(CheckHeader(name, header));

  const uint64_t end = size - kSnapshotFooterSize;  // where the entries must stop
  std::string footer;
  QUARRY_RETURN_IF_ERROR(ReadExactly(archive, name, end, kSnapshotFooterSize, &footer));
  if (std::string_view(footer).substr(0, kSnapshotFooterMagic.size()) != kSnapshotFooterMagic) {
    return Corrupt(name, "has no footer (truncated, or never finished)");
  }
  uint64_t declared_count = 0;
  uint32_t footer_reserved = 0;
  uint32_t archive_crc = 0;
  Decoder f(std::string_view(footer).substr(kSnapshotFooterMagic.size()));
  f.GetU64(&declared_count);
  f.GetU32(&footer_reserved);
  f.GetU32(&archive_crc);

  SnapshotManifest manifest;
  manifest.version = kSnapshotArchiveVersion;
  manifest.archive_bytes = size;
  uint32_t crc = crc32c::Value(header);
  uint64_t offset = kSnapshotHeaderSize;
  std::string fixed;
  std::string rest;  // path and entry_crc
  while (offset < end) {
    if (manifest.entries.size() >= declared_count) {
      return Corrupt(name, "holds more entries than the " + std::to_string(declared_count) +
                               " its footer declares");
    }
    if (manifest.entries.size() >= limits.max_entries) {
      return Status::ResourceExhausted("snapshot archive '" + std::string(name) +
                                       "' holds more than " + std::to_string(limits.max_entries) +
                                       " entries");
    }
    if (end - offset < kSnapshotEntryFixedSize) {
      return Corrupt(name, "has an entry header " + At(offset) + " that runs past the end");
    }
    QUARRY_RETURN_IF_ERROR(ReadExactly(archive, name, offset, kSnapshotEntryFixedSize, &fixed));
    const EntryHeader h = DecodeEntryHeader(fixed);
    const uint64_t after_fixed = offset + kSnapshotEntryFixedSize;
    if (h.path_len == 0 || h.path_len > kMaxSnapshotPathBytes ||
        h.path_len + kSnapshotEntryCrcSize > end - after_fixed) {
      return Corrupt(name, "has an entry " + At(offset) + " with an impossible path length (" +
                               std::to_string(h.path_len) + ")");
    }
    QUARRY_RETURN_IF_ERROR(
        ReadExactly(archive, name, after_fixed, h.path_len + kSnapshotEntryCrcSize, &rest));
    uint32_t entry_crc = 0;
    Decoder(std::string_view(rest).substr(h.path_len)).GetU32(&entry_crc);
    const uint32_t computed = crc32c::Extend(crc32c::Value(fixed), rest.data(), h.path_len);
    if (computed != entry_crc) {
      return Corrupt(name, "has an entry header " + At(offset) + " that fails its checksum");
    }
    crc = crc32c::Extend(crc32c::Extend(crc, fixed.data(), fixed.size()), rest.data(), rest.size());

    SnapshotEntry entry;
    entry.path.assign(rest.data(), h.path_len);
    if (h.reserved != 0) return Corrupt(name, "has reserved fields set " + At(offset));
    if (h.kind != kSnapshotEntryRegularFile) {
      return Status::InvalidArgument("snapshot archive '" + std::string(name) + "': the entry " +
                                     At(offset) + " is not a regular file (kind " +
                                     std::to_string(h.kind) +
                                     "); links, devices and directories are refused");
    }
    QUARRY_RETURN_IF_ERROR(ValidateSnapshotPath(entry.path, limits)
                               .WithContext("snapshot archive '" + std::string(name) + "'"));
    const uint64_t content = after_fixed + h.path_len + kSnapshotEntryCrcSize;
    if (h.size > end - content) {
      return Corrupt(name, "has an entry " + At(offset) + " declaring " + std::to_string(h.size) +
                               " bytes where only " + std::to_string(end - content) + " remain");
    }
    if (h.size > limits.max_file_bytes) {
      return Status::ResourceExhausted("snapshot archive '" + std::string(name) + "': an entry " +
                                       At(offset) + " holds " + std::to_string(h.size) +
                                       " bytes, over the limit of " +
                                       std::to_string(limits.max_file_bytes));
    }
    manifest.total_bytes += h.size;  // cannot overflow: each size is below the archive's
    if (manifest.total_bytes > limits.max_total_bytes) {
      return Status::ResourceExhausted("snapshot archive '" + std::string(name) + "' holds over " +
                                       std::to_string(limits.max_total_bytes) + " bytes");
    }
    entry.size = h.size;
    entry.crc32c = h.content_crc;
    entry.offset = content;
    manifest.entries.push_back(std::move(entry));
    offset = content + h.size;
  }

  crc = crc32c::Extend(crc, footer.data(), kSnapshotFooterSize - 4);
  if (crc != archive_crc) return Corrupt(name, "fails its archive checksum");
  if (footer_reserved != 0) return Corrupt(name, "has reserved footer fields set");
  if (declared_count != manifest.entries.size()) {
    return Corrupt(name, "declares " + std::to_string(declared_count) + " entries but holds " +
                             std::to_string(manifest.entries.size()));
  }
  if (manifest.entries.empty()) return Corrupt(name, "holds no entries");
  std::vector<std::string> paths;
  paths.reserve(manifest.entries.size());
  for (const SnapshotEntry& e : manifest.entries) paths.push_back(e.path);
  QUARRY_RETURN_IF_ERROR(ValidateSnapshotPaths(paths, limits)
                             .WithContext("snapshot archive '" + std::string(name) + "'"));
  return manifest;
}

Result<SnapshotManifest> ReadSnapshotArchiveIndex(Env& env, const std::string& archive_path,
                                                  const SnapshotLimits& limits) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file,
                          env.NewRandomAccessFile(archive_path));
  return ReadSnapshotArchiveIndex(*file, archive_path, limits);
}

Status VerifySnapshotArchive(const RandomAccessFile& archive, std::string_view name,
                             const SnapshotManifest& manifest) {
  std::vector<uint8_t> buffer(1 << 20);
  for (const SnapshotEntry& entry : manifest.entries) {
    uint32_t crc = 0;
    for (uint64_t done = 0; done < entry.size;) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), entry.size - done));
      QUARRY_ASSIGN_OR_RETURN(size_t got,
                              archive.Read(entry.offset + done, std::span(buffer.data(), want)));
      if (got != want) return Corrupt(name, "ends inside the content of '" + entry.path + "'");
      crc = crc32c::Extend(crc, buffer.data(), got);
      done += got;
    }
    if (crc != entry.crc32c) {
      return Corrupt(name, "holds '" + entry.path + "' whose content fails its checksum");
    }
  }
  return Status::Ok();
}

}  // namespace quarry::storage
