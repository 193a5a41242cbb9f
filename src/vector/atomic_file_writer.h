// AtomicFileWriter: streams a large file to `path`.tmp through an Env and
// renames it over `path` on Commit(), so that after a crash `path` holds
// either the old or the new file, never a torn one (write, fsync, rename,
// fsync the directory).
//
// Index files reach gigabytes (a million 384-d float32 vectors is 1.5 GB),
// so unlike base's WriteFileAtomically (one string) this writer streams,
// and can patch the header once the body's size and checksum are known.
// Appends are gathered in a 1 MiB buffer: the index writes many small
// pieces (one upper-level list per node), and each WritableFile::Append is a
// system call.
//
// Thread-safety: one writer per object. Move-only. The Env must outlive it.
#ifndef QUARRY_VECTOR_ATOMIC_FILE_WRITER_H_
#define QUARRY_VECTOR_ATOMIC_FILE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/env.h"
#include "quarry/status.h"

namespace quarry::vector {

class AtomicFileWriter {
 public:
  // Creates (truncates) `path`.tmp.
  static Result<AtomicFileWriter> Create(Env& env, const std::string& path);

  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  // Without Commit(), closes and removes the temporary file.
  ~AtomicFileWriter();

  // Appends bytes (buffered).
  Status Append(const void* data, size_t n);
  // Appends zero bytes until the file size is a multiple of `align`.
  Status PadTo(size_t align);
  // Overwrites bytes already appended. REQUIRES: offset + n <= size().
  Status WriteAt(uint64_t offset, const void* data, size_t n);
  uint64_t size() const { return size_; }

  // Flushes, syncs, closes, renames over the final path and syncs the
  // directory. Call at most once; when it fails before the rename, the
  // destructor removes the temporary file and `path` is as it was.
  Status Commit();

 private:
  AtomicFileWriter(Env& env, std::unique_ptr<WritableFile> file, std::string path)
      : env_(&env), file_(std::move(file)), path_(std::move(path)) {}
  Status Flush();

  Env* env_;                            // not owned
  std::unique_ptr<WritableFile> file_;  // null once closed or moved from
  std::string path_;                    // final path; the file being written is path_ + ".tmp"
  std::vector<uint8_t> buffer_;
  uint64_t size_ = 0;
  bool finished_ = false;  // committed, or moved from: nothing to clean up
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_ATOMIC_FILE_WRITER_H_
