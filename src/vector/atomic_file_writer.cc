#include "vector/atomic_file_writer.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace quarry::vector {
namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;

std::string_view Bytes(const void* data, size_t n) { return {static_cast<const char*>(data), n}; }

}  // namespace

Result<AtomicFileWriter> AtomicFileWriter::Create(Env& env, const std::string& path) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                          env.NewWritableFile(path + ".tmp", OpenMode::kTruncate));
  AtomicFileWriter w(env, std::move(file), path);
  w.buffer_.reserve(kBufferBytes);
  return w;
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : env_(other.env_),
      file_(std::move(other.file_)),
      path_(std::move(other.path_)),
      buffer_(std::move(other.buffer_)),
      size_(other.size_),
      finished_(std::exchange(other.finished_, true)) {}  // the moved-from one owns nothing

AtomicFileWriter::~AtomicFileWriter() {
  if (finished_) return;
  // Best effort: the error that abandoned the file is what the caller sees.
  if (file_ != nullptr) (void)file_->Close();
  (void)env_->RemoveFile(path_ + ".tmp");
}

Status AtomicFileWriter::Flush() {
  if (buffer_.empty()) return Status::Ok();
  Status s = file_->Append(Bytes(buffer_.data(), buffer_.size()));
  buffer_.clear();
  return s;
}

Status AtomicFileWriter::Append(const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  size_ += n;
  while (n > 0) {
    const size_t take = std::min(n, kBufferBytes - buffer_.size());
    buffer_.insert(buffer_.end(), p, p + take);
    p += take;
    n -= take;
    if (buffer_.size() == kBufferBytes) QUARRY_RETURN_IF_ERROR(Flush());
  }
  return Status::Ok();
}

Status AtomicFileWriter::PadTo(size_t align) {
  static constexpr uint8_t kZeros[64] = {};
  while (size_ % align != 0) {
    QUARRY_RETURN_IF_ERROR(
        Append(kZeros, std::min<uint64_t>(sizeof kZeros, align - size_ % align)));
  }
  return Status::Ok();
}

Status AtomicFileWriter::WriteAt(uint64_t offset, const void* data, size_t n) {
  QUARRY_RETURN_IF_ERROR(Flush());
  return file_->WriteAt(offset, Bytes(data, n));
}

Status AtomicFileWriter::Commit() {
  QUARRY_RETURN_IF_ERROR(Flush());
  QUARRY_RETURN_IF_ERROR(file_->Sync());
  Status closed = file_->Close();
  file_.reset();
  QUARRY_RETURN_IF_ERROR(closed);
  QUARRY_RETURN_IF_ERROR(env_->RenameFile(path_ + ".tmp", path_));
  finished_ = true;  // the temporary file is gone: nothing to remove
  return env_->SyncDir(DirName(path_));
}

}  // namespace quarry::vector
