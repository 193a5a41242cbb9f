// The POSIX Env: the Env that production code runs on (see base/env.h).
//
// Stateless: every object it hands out owns its own file descriptor, so one
// instance may be shared by every thread of the process. System calls are
// retried on EINTR. Errors map errno to a code in one place (ErrnoStatus):
// ENOENT -> NotFound, ENOSPC/EDQUOT -> NoSpace, anything else ->
// IOError; every message names the operation and the path.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "base/env.h"

namespace quarry {
namespace {

Status ErrnoStatus(std::string_view what, const std::string& path, int err) {
  std::string message(what);
  message += " '" + path + "': " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(std::move(message));
  if (err == ENOSPC || err == EDQUOT) return Status::NoSpace(std::move(message));
  return Status::IOError(std::move(message));
}

int OpenRetrying(const std::string& path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// Closes without retrying on EINTR: on Linux the descriptor is released even
// when close() is interrupted, and a retry could close a descriptor another
// thread has just been given.
int CloseFd(int fd) { return ::close(fd); }

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) CloseFd(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) CloseFd(fd_);
  }

  // Appends with pwrite at the logical end rather than O_APPEND: after
  // Allocate() the file on disk may be longer than what was appended.
  Status Append(std::string_view data) override {
    if (fd_ < 0) return Closed("append to");
    uint64_t written = 0;
    Status s = WriteFully(size_, data, &written);
    size_ += written;  // on error Size() still counts the bytes that reached the file
    return s;
  }

  Status WriteAt(uint64_t offset, std::string_view data) override {
    if (fd_ < 0) return Closed("write to");
    if (offset > size_ || data.size() > size_ - offset) {
      return Status::InvalidArgument("write at " + std::to_string(offset) + "+" +
                                     std::to_string(data.size()) + " past the end (" +
                                     std::to_string(size_) + " bytes) of '" + path_ + "'");
    }
    uint64_t written = 0;
    return WriteFully(offset, data, &written);
  }

  Status Allocate(uint64_t offset, uint64_t length) override {
    if (fd_ < 0) return Closed("allocate in");
    if (length == 0) return Status::Ok();
    int err;
    do {
      err = ::posix_fallocate(fd_, static_cast<off_t>(offset), static_cast<off_t>(length));
    } while (err == EINTR);
    // A file system without fallocate support (some network and FUSE file
    // systems; glibc emulates it on most others) gets no reservation: the
    // later writes then report ENOSPC themselves, which is no worse than not
    // reserving. Writers through a mapping must not rely on it there.
    if (err == EOPNOTSUPP || err == EINVAL) return Status::Ok();
    if (err != 0) return ErrnoStatus("cannot allocate space in", path_, err);
    return Status::Ok();
  }

  Status Sync() override {
    if (fd_ < 0) return Closed("sync");
    int rc;
    do {
      rc = ::fdatasync(fd_);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return ErrnoStatus("cannot fdatasync", path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Closed("close");
    if (CloseFd(std::exchange(fd_, -1)) != 0) return ErrnoStatus("cannot close", path_, errno);
    return Status::Ok();
  }

  uint64_t Size() const override { return size_; }

 private:
  Status Closed(std::string_view what) const {
    return Status::FailedPrecondition("cannot " + std::string(what) + " '" + path_ +
                                      "': file already closed");
  }

  Status WriteFully(uint64_t offset, std::string_view data, uint64_t* written) {
    while (!data.empty()) {
      ssize_t n = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("cannot write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
      offset += static_cast<uint64_t>(n);
      *written += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }

  const std::string path_;
  int fd_;
  uint64_t size_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixRandomAccessFile() override { CloseFd(fd_); }

  Result<size_t> Read(uint64_t offset, std::span<uint8_t> out) const override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("cannot read", path_, errno);
      }
      if (n == 0) break;  // end of file
      done += static_cast<size_t>(n);
    }
    return done;
  }

  uint64_t Size() const override { return size_; }

  void AdviseRandom() const override { (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_RANDOM); }

 private:
  const std::string path_;
  const int fd_;
  const uint64_t size_;  // at open time; a file that grows later is read to its real end
};

// flock() locks belong to the open file description, so a second LockFile()
// of the same path, even from this process, opens a new description and is
// refused: one data directory, one owner.
class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { CloseFd(fd_); }  // closing releases the lock

 private:
  const int fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        OpenMode mode) override {
    int flags = O_WRONLY | O_CREAT;
    if (mode == OpenMode::kTruncate) flags |= O_TRUNC;
    const int fd = OpenRetrying(path, flags, 0644);
    if (fd < 0) return ErrnoStatus("cannot open for writing", path, errno);
    uint64_t size = 0;
    if (mode == OpenMode::kAppend) {
      struct stat st;
      if (::fstat(fd, &st) != 0) {
        const int err = errno;
        CloseFd(fd);
        return ErrnoStatus("cannot stat", path, err);
      }
      size = static_cast<uint64_t>(st.st_size);
    }
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd, size));
  }

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    const int fd = OpenRetrying(path, O_RDONLY);
    if (fd < 0) return ErrnoStatus("cannot open for reading", path, errno);
    FdCloser closer(fd);
    struct stat st;
    if (::fstat(fd, &st) != 0) return ErrnoStatus("cannot stat", path, errno);
    if (!S_ISREG(st.st_mode)) return NotARegularFile(path);
    return std::unique_ptr<RandomAccessFile>(std::make_unique<PosixRandomAccessFile>(
        path, closer.release(), static_cast<uint64_t>(st.st_size)));
  }

  Result<MappedFile> MapFile(const std::string& path) override { return MappedFile::Open(path); }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus("cannot rename '" + from + "' to", to, errno);
    }
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("cannot remove", path, errno);
    return Status::Ok();
  }

  Status TruncateFile(const std::string& path, uint64_t size) override {
    int rc;
    do {
      rc = ::truncate(path.c_str(), static_cast<off_t>(size));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return ErrnoStatus("cannot truncate", path, errno);
    return Status::Ok();
  }

  Status CreateDir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0755) == 0) return Status::Ok();
    const int err = errno;
    struct stat st;
    if (err == EEXIST && ::stat(path.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return Status::Ok();
      return Status::AlreadyExists("cannot create directory '" + path +
                                   "': a file of that name exists");
    }
    return ErrnoStatus("cannot create directory", path, err);
  }

  Status RemoveDirRecursively(const std::string& path) override {
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(path, ec);
    if (ec || status.type() == std::filesystem::file_type::not_found) {
      if (!ec || ec == std::errc::no_such_file_or_directory) return Status::Ok();
      return ErrnoStatus("cannot stat", path, ec.value());
    }
    if (status.type() != std::filesystem::file_type::directory) {
      return Status::InvalidArgument("cannot remove '" + path + "' recursively: not a directory");
    }
    std::filesystem::remove_all(path, ec);
    if (ec) return ErrnoStatus("cannot remove directory", path, ec.value());
    return Status::Ok();
  }

  Status SyncDir(const std::string& path) override {
    const int fd = OpenRetrying(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return ErrnoStatus("cannot open directory", path, errno);
    FdCloser closer(fd);
    int rc;
    do {
      rc = ::fsync(fd);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return ErrnoStatus("cannot fsync directory", path, errno);
    return Status::Ok();
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return ErrnoStatus("cannot list directory", path, errno);
    std::vector<std::string> names;
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(dir);
      if (entry == nullptr) break;
      std::string_view name(entry->d_name);
      if (name != "." && name != "..") names.emplace_back(name);
    }
    const int err = errno;
    ::closedir(dir);
    if (err != 0) return ErrnoStatus("cannot read directory", path, err);
    std::sort(names.begin(), names.end());
    return names;
  }

  bool FileExists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("cannot stat", path, errno);
    if (!S_ISREG(st.st_mode)) return NotARegularFile(path);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<uint64_t> FreeSpace(const std::string& path) override {
    struct statvfs st;
    if (::statvfs(path.c_str(), &st) != 0) {
      return ErrnoStatus("cannot read free space of", path, errno);
    }
    return static_cast<uint64_t>(st.f_bavail) * static_cast<uint64_t>(st.f_frsize);
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    const int fd = OpenRetrying(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0) return ErrnoStatus("cannot open lock file", path, errno);
    FdCloser closer(fd);
    int rc;
    do {
      rc = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      if (errno == EWOULDBLOCK) {
        return Status::FailedPrecondition("cannot lock '" + path +
                                          "': held by another process (or another open "
                                          "handle in this one)");
      }
      return ErrnoStatus("cannot lock", path, errno);
    }
    return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(closer.release()));
  }

 private:
  static Status NotARegularFile(const std::string& path) {
    return Status::InvalidArgument("'" + path + "' is not a regular file");
  }
};

}  // namespace

std::shared_ptr<Env> NewPosixEnv() { return std::make_shared<PosixEnv>(); }

}  // namespace quarry
