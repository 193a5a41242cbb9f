#include "vector/atomic_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace quarry::vector {
namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<AtomicFileWriter> AtomicFileWriter::Create(const std::string& path) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    std::string message = "cannot create '" + tmp + "': " + std::strerror(err);
    if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(message);
    if (err == ENOENT) return Status::NotFound(message);
    return Status::IOError(message);
  }
  AtomicFileWriter w(fd, path);
  w.buffer_.reserve(kBufferBytes);
  return w;
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      buffer_(std::move(other.buffer_)),
      size_(other.size_),
      committed_(std::exchange(other.committed_, true)) {}  // the moved-from one owns nothing

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !path_.empty()) ::unlink((path_ + ".tmp").c_str());
}

Status AtomicFileWriter::Error(const char* what) const {
  const int err = errno;
  std::string message = std::string(what) + " '" + path_ + ".tmp': " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(message);
  return Status::IOError(message);
}

Status AtomicFileWriter::Flush() {
  const uint8_t* p = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error("cannot write");
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  buffer_.clear();
  return Status::Ok();
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
  const auto* p = static_cast<const uint8_t*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd_, p, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Error("cannot write");
    }
    p += w;
    offset += static_cast<uint64_t>(w);
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status AtomicFileWriter::Commit() {
  QUARRY_RETURN_IF_ERROR(Flush());
  if (::fsync(fd_) != 0) return Error("cannot fsync");
  if (::close(std::exchange(fd_, -1)) != 0) return Error("cannot close");
  const std::string tmp = path_ + ".tmp";
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return Error("cannot rename");
  committed_ = true;
  const std::string dir = DirectoryOf(path_);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return Status::IOError("cannot open directory '" + dir + "': " + std::strerror(errno));
  const int rc = ::fsync(dfd);
  const int err = errno;
  ::close(dfd);
  if (rc != 0)
    return Status::IOError("cannot fsync directory '" + dir + "': " + std::strerror(err));
  return Status::Ok();
}

}  // namespace quarry::vector
