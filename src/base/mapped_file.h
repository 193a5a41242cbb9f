// MappedFile: the one owner of a memory mapping (STYLE: "mmap through one
// move-only RAII type"). Two kinds:
//   Open(path)        a read-only, shared mapping of a whole file; readers take
//                     views into it instead of copying (segments, HNSW files).
//   Anonymous(bytes)  private, zero-filled, writable memory that the kernel
//                     commits page by page on first touch, advised for
//                     transparent huge pages. For large arrays that grow in
//                     chunks (HNSW codes and links) and must never move.
// The mapping is released when the object is destroyed; views die with it.
//
// Thread-safety: after creation the object is immutable; its bytes may be
// read from any thread. Writes into an anonymous mapping are the owner's to
// synchronize. Move-only.
#ifndef QUARRY_BASE_MAPPED_FILE_H_
#define QUARRY_BASE_MAPPED_FILE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "quarry/status.h"

namespace quarry {

class MappedFile {
 public:
  // How the kernel should page a file mapping (madvise). Hints only.
  enum class Access { kNormal, kRandom, kSequential, kWillNeed };

  // Maps the whole file read-only. An empty file gives an empty mapping
  // (data() == nullptr, size() == 0). Errors name the file: NotFound when it
  // does not exist, IOError otherwise.
  static Result<MappedFile> Open(const std::string& path);

  // Maps `bytes` of zero-filled private memory. REQUIRES: bytes > 0.
  // ResourceExhausted when the kernel refuses.
  static Result<MappedFile> Anonymous(size_t bytes);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  // Writable bytes. REQUIRES: made by Anonymous().
  uint8_t* mutable_data() const;
  // The file name, or "" for anonymous memory.
  const std::string& path() const { return path_; }

  // Bytes [offset, offset + length). REQUIRES: offset + length <= size().
  std::span<const uint8_t> View(size_t offset, size_t length) const;

  // Tells the kernel how the mapping will be read. Failures are ignored: the
  // advice changes speed, never results.
  void Advise(Access access) const;

 private:
  MappedFile(uint8_t* data, size_t size, bool writable, std::string path)
      : data_(data), size_(size), writable_(writable), path_(std::move(path)) {}
  void Release();

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  bool writable_ = false;
  std::string path_;
};

}  // namespace quarry

#endif  // QUARRY_BASE_MAPPED_FILE_H_
