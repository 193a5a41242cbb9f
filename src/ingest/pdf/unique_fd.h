// UniqueFd: owns a file descriptor and closes it when it goes.
//
// (storage/ and ingest/file_source.cc each have a private one of these; a
// shared one in base/ would serve all three.)
//
// Thread-safety: like a std::unique_ptr; one owner.
#ifndef QUARRY_INGEST_PDF_UNIQUE_FD_H_
#define QUARRY_INGEST_PDF_UNIQUE_FD_H_

#include <unistd.h>

namespace quarry::ingest {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Close(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Close();
      fd_ = other.fd_;
      other.fd_ = -1;
    }
    return *this;
  }

  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_UNIQUE_FD_H_
