// AtomicFileWriter: streams a large file to `path`.tmp and renames it over
// `path` on Commit(), so that after a crash `path` holds either the old or
// the new file, never a torn one (write, fsync, rename, fsync the directory).
//
// Index files reach gigabytes (a million 384-d float32 vectors is 1.5 GB),
// so unlike storage's WriteFileAtomically (one string) this writer streams,
// and can patch the header once the body's size and checksum are known.
// It lives in vector/ because storage/ sits above vector/; once the Env
// interface exists (durable-storage issue) it should move under it.
//
// Thread-safety: one writer per object. Move-only.
#ifndef QUARRY_VECTOR_ATOMIC_FILE_WRITER_H_
#define QUARRY_VECTOR_ATOMIC_FILE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "quarry/status.h"

namespace quarry::vector {

class AtomicFileWriter {
 public:
  // Creates (truncates) `path`.tmp.
  static Result<AtomicFileWriter> Create(const std::string& path);

  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  // Without Commit(), removes the temporary file.
  ~AtomicFileWriter();

  // Appends bytes (buffered).
  Status Append(const void* data, size_t n);
  // Appends zero bytes until the file size is a multiple of `align`.
  Status PadTo(size_t align);
  // Overwrites bytes already appended. REQUIRES: offset + n <= size().
  Status WriteAt(uint64_t offset, const void* data, size_t n);
  uint64_t size() const { return size_; }

  // Flushes, fsyncs, renames over the final path and fsyncs the directory.
  Status Commit();

 private:
  AtomicFileWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status Flush();
  Status Error(const char* what) const;

  int fd_ = -1;
  std::string path_;  // final path; the file being written is path_ + ".tmp"
  std::vector<uint8_t> buffer_;
  uint64_t size_ = 0;
  bool committed_ = false;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_ATOMIC_FILE_WRITER_H_
