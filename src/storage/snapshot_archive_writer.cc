// Writing snapshot archives. Each file is read once: its entry header goes
// out with a placeholder checksum, the content is streamed and checksummed,
// and the header is patched in place (WriteAt) once the checksum is known.
#include <algorithm>
#include <vector>

#include "base/crc32c.h"
#include "storage/coding.h"
#include "storage/snapshot_archive.h"
#include "storage/snapshot_archive_format.h"

namespace quarry::storage {
namespace {

void PutCrcOfBuffer(Encoder* e) { e->PutU32(crc32c::Value(e->buffer())); }

std::string EncodeHeader() {
  Encoder e;
  e.buffer().append(kSnapshotArchiveMagic);
  e.PutU32(kSnapshotArchiveVersion);
  e.PutU32(0);  // flags
  e.PutU32(0);  // reserved
  PutCrcOfBuffer(&e);
  return std::move(e.buffer());
}

std::string EncodeEntryHeader(const std::string& path, uint64_t size, uint32_t content_crc) {
  Encoder e;
  e.PutU32(static_cast<uint32_t>(path.size()));
  e.PutU32(kSnapshotEntryRegularFile);
  e.PutU64(size);
  e.PutU32(content_crc);
  e.PutU32(0);  // reserved
  e.buffer().append(path);
  PutCrcOfBuffer(&e);
  return std::move(e.buffer());
}

std::string EncodeFooter(uint64_t entry_count, uint32_t crc_of_headers) {
  Encoder e;
  e.buffer().append(kSnapshotFooterMagic);
  e.PutU64(entry_count);
  e.PutU32(0);  // reserved
  e.PutU32(crc32c::Extend(crc_of_headers, e.buffer().data(), e.buffer().size()));
  return std::move(e.buffer());
}

// Appends one file as an entry; extends *archive_crc with its final header.
Status AppendEntry(Env& env, const std::string& source, const std::string& path, WritableFile& out,
                   std::vector<uint8_t>& buffer, uint32_t* archive_crc) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> in, env.NewRandomAccessFile(source));
  const uint64_t size = in->Size();
  if (size > SnapshotLimits{}.max_file_bytes) {
    return Status::ResourceExhausted("'" + source + "' is too large for a snapshot archive (" +
                                     std::to_string(size) + " bytes)");
  }
  const uint64_t header_offset = out.Size();
  QUARRY_RETURN_IF_ERROR(out.Append(EncodeEntryHeader(path, size, 0)));
  uint32_t content_crc = 0;
  for (uint64_t done = 0; done < size;) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), size - done));
    QUARRY_ASSIGN_OR_RETURN(size_t got, in->Read(done, std::span(buffer.data(), want)));
    if (got != want) {
      return Status::FailedPrecondition("'" + source + "' shrank while it was being archived");
    }
    content_crc = crc32c::Extend(content_crc, buffer.data(), got);
    QUARRY_RETURN_IF_ERROR(
        out.Append(std::string_view(reinterpret_cast<const char*>(buffer.data()), got)));
    done += got;
  }
  const std::string header = EncodeEntryHeader(path, size, content_crc);
  QUARRY_RETURN_IF_ERROR(out.WriteAt(header_offset, header));
  *archive_crc = crc32c::Extend(*archive_crc, header.data(), header.size());
  return Status::Ok();
}

Status WriteArchiveFile(Env& env, const std::string& source_dir,
                        const std::vector<std::string>& relative_files, const std::string& path) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> out,
                          env.NewWritableFile(path, OpenMode::kTruncate));
  const std::string header = EncodeHeader();
  QUARRY_RETURN_IF_ERROR(out->Append(header));
  uint32_t crc = crc32c::Value(header);
  std::vector<uint8_t> buffer(1 << 20);
  for (const std::string& relative : relative_files) {
    QUARRY_RETURN_IF_ERROR(
        AppendEntry(env, source_dir + "/" + relative, relative, *out, buffer, &crc));
  }
  QUARRY_RETURN_IF_ERROR(out->Append(EncodeFooter(relative_files.size(), crc)));
  QUARRY_RETURN_IF_ERROR(out->Sync());
  return out->Close();
}

}  // namespace

Status WriteSnapshotArchive(Env& env, const std::string& source_dir,
                            const std::vector<std::string>& relative_files,
                            const std::string& archive_path) {
  if (relative_files.empty()) {
    return Status::InvalidArgument("a snapshot archive needs at least one file");
  }
  // The paths we write must be ones a reader with default limits accepts.
  QUARRY_RETURN_IF_ERROR(ValidateSnapshotPaths(relative_files, SnapshotLimits{}));
  const std::string tmp = archive_path + std::string(kSnapshotTempSuffix);
  Status s = WriteArchiveFile(env, source_dir, relative_files, tmp);
  if (s.ok()) s = env.RenameFile(tmp, archive_path);
  if (!s.ok()) {
    env.RemoveFile(tmp);  // best effort; the error that stopped us matters more
    return s;
  }
  return env.SyncDir(DirName(archive_path));
}

}  // namespace quarry::storage
