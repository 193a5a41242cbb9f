#include "base/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/check.h"
#include "base/huge_page_allocator.h"

namespace quarry {
namespace {

Status ErrnoStatus(const char* what, const std::string& path, int err) {
  return Status::IOError(std::string(what) + " '" + path + "': " + std::strerror(err));
}

}  // namespace

Result<MappedFile> MappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no such file '" + path + "'");
    return ErrnoStatus("cannot open", path, errno);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoStatus("cannot stat", path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument("'" + path + "' is not a regular file");
  }
  const auto size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return MappedFile(nullptr, 0, false, path);
  }
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  const int err = errno;
  ::close(fd);  // the mapping keeps its own reference to the file
  if (p == MAP_FAILED) return ErrnoStatus("cannot mmap", path, err);
  return MappedFile(static_cast<uint8_t*>(p), size, false, path);
}

Result<MappedFile> MappedFile::Anonymous(size_t bytes) {
  QUARRY_CHECK(bytes > 0, "callers never ask for an empty anonymous mapping");
  void* p = MapAnonymousMemory(bytes);
  if (p == nullptr) {
    return Status::ResourceExhausted("cannot map " + std::to_string(bytes) +
                                     " bytes of memory: " + std::strerror(errno));
  }
  return MappedFile(static_cast<uint8_t*>(p), bytes, true, "");
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      writable_(std::exchange(other.writable_, false)),
      path_(std::move(other.path_)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    writable_ = std::exchange(other.writable_, false);
    path_ = std::move(other.path_);
  }
  return *this;
}

MappedFile::~MappedFile() { Release(); }

void MappedFile::Release() {
  if (data_ != nullptr) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

uint8_t* MappedFile::mutable_data() const {
  QUARRY_CHECK(writable_ || data_ == nullptr, "only anonymous mappings are written to");
  return data_;
}

std::span<const uint8_t> MappedFile::View(size_t offset, size_t length) const {
  QUARRY_CHECK(offset <= size_ && length <= size_ - offset,
               "callers check offsets against size() before taking a view");
  return {data_ + offset, length};
}

void MappedFile::Advise(Access access) const {
  if (data_ == nullptr) return;
  int advice = MADV_NORMAL;
  switch (access) {
    case Access::kNormal:
      advice = MADV_NORMAL;
      break;
    case Access::kRandom:
      advice = MADV_RANDOM;
      break;
    case Access::kSequential:
      advice = MADV_SEQUENTIAL;
      break;
    case Access::kWillNeed:
      advice = MADV_WILLNEED;
      break;
  }
  ::madvise(data_, size_, advice);
}

}  // namespace quarry
