// Fuzzes the snapshot-archive reader: any bytes must be refused or listed
// without reading out of bounds. An archive that passes every check is then
// restored into a scratch directory, and what appears on disk must be exactly
// the listed files, inside the target: a traversal or a link that slipped
// through validation is a crash.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>

#include "storage/snapshot_archive.h"

namespace {

class BytesFile final : public quarry::RandomAccessFile {
 public:
  BytesFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  quarry::Result<size_t> Read(uint64_t offset, std::span<uint8_t> out) const override {
    if (offset >= size_) return size_t{0};
    const size_t n = std::min<uint64_t>(out.size(), size_ - offset);
    std::memcpy(out.data(), data_ + offset, n);
    return n;
  }
  uint64_t Size() const override { return size_; }

 private:
  const uint8_t* data_;
  size_t size_;
};

// Restores the archive and checks that exactly its entries were written.
void RestoreAndCheck(const uint8_t* data, size_t size,
                     const quarry::storage::SnapshotManifest& manifest) {
  namespace fs = std::filesystem;
  std::string root = (fs::temp_directory_path() / "quarry-fuzz-XXXXXX").string();
  if (::mkdtemp(root.data()) == nullptr) abort();
  auto env = quarry::NewPosixEnv();
  const std::string archive = root + "/in.qsnap";
  {
    auto file = env->NewWritableFile(archive, quarry::OpenMode::kTruncate);
    if (!file.ok() ||
        !(*file)->Append(std::string_view(reinterpret_cast<const char*>(data), size)).ok()) {
      abort();
    }
  }
  const std::string target = root + "/target";
  if (!quarry::storage::RestoreSnapshotArchive(*env, archive, target, {}).ok()) abort();
  std::set<std::string> expected;
  for (const auto& entry : manifest.entries) expected.insert(entry.path);
  std::set<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const fs::file_status status = it->symlink_status();
    if (fs::is_symlink(status)) abort();
    if (fs::is_directory(status)) continue;
    const std::string path = it->path().string();
    if (path == archive) continue;
    if (path.rfind(target + "/", 0) != 0) abort();  // something escaped the target
    found.insert(path.substr(target.size() + 1));
  }
  if (ec || found != expected) abort();
  fs::remove_all(root, ec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  BytesFile file(data, size);
  quarry::storage::SnapshotLimits limits;
  auto manifest = quarry::storage::ReadSnapshotArchiveIndex(file, "fuzz", limits);
  if (!manifest.ok()) return 0;
  uint64_t total = 0;
  for (const auto& entry : manifest->entries) {
    if (entry.offset > size || entry.size > size - entry.offset) abort();
    total += entry.size;
  }
  if (total != manifest->total_bytes || total > size) abort();
  if (!quarry::storage::VerifySnapshotArchive(file, "fuzz", *manifest).ok()) return 0;
  RestoreAndCheck(data, size, *manifest);
  return 0;
}
