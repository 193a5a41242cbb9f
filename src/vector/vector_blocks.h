// VectorBlocks: lazy verification of the full-precision rows of a mapped
// vectors.f32 (format version 3 and later, docs/format/hnsw-index.md).
//
// The file stores a CRC-32C per fixed-size block of its rows region. Opening
// checks only the small table of those CRCs; a block is checked the first
// time a reader touches it (rescoring, GetVector, an exact scan, a save) and
// then marked verified in a bitmap, so each block is read and checksummed at
// most once per open (twice if two threads race to it: harmless). A block
// whose CRC does not match is never marked, so every read of it reports the
// corruption again; nothing read from it is ever used.
//
// Why lazily: rescoring reads k·oversampling rows per query, a tiny part of
// a file that is 4·dims bytes per row (1.4 GiB for 1M x 384). Checking every
// byte at open read the whole file from disk and faulted it into the process;
// checking on first touch costs one CRC of one block per block touched.
//
// Thread-safety: Check() and CheckAll() may be called from any thread
// concurrently; the rows and the table are immutable (a read-only mapping
// that must outlive this object).
#ifndef QUARRY_VECTOR_VECTOR_BLOCKS_H_
#define QUARRY_VECTOR_VECTOR_BLOCKS_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "quarry/status.h"

namespace quarry::vector {

class VectorBlocks {
 public:
  // `rows`: the first byte of the rows region, `rows_bytes` long, cut into
  // blocks of `block_bytes` (the last one may be shorter); `table`: one
  // little-endian u32 CRC-32C per block. `path` and `rows_offset` (the file
  // offset of `rows`) name the bytes in error messages.
  // REQUIRES: block_bytes > 0; the table holds ceil(rows_bytes / block_bytes)
  // entries.
  VectorBlocks(std::string path, const uint8_t* rows, uint64_t rows_bytes, uint64_t rows_offset,
               uint32_t block_bytes, const uint8_t* table);

  // Verifies every block overlapping rows-region bytes [offset, offset + n)
  // that is not verified yet. Bytes past the rows region are ignored (rows
  // added after the open live in owned memory). Corruption names the file,
  // the block and its byte range.
  Status Check(uint64_t offset, uint64_t n) const;
  Status CheckAll() const { return Check(0, rows_bytes_); }

  // Whether block `b` is verified, and verifying it from `bytes`, its
  // block_size(b) bytes (the mapped ones, or a copy read from the file by
  // pread_rows.h), marking it on success. REQUIRES: b < block_count().
  bool IsVerified(uint64_t b) const {
    return (verified_[b / 64].load(std::memory_order_relaxed) >> (b % 64) & 1) != 0;
  }
  Status Verify(uint64_t b, const uint8_t* bytes) const;
  uint64_t block_size(uint64_t b) const {
    return std::min<uint64_t>(block_bytes_, rows_bytes_ - b * block_bytes_);
  }
  uint32_t block_bytes() const { return block_bytes_; }
  uint64_t rows_bytes() const { return rows_bytes_; }
  uint64_t rows_offset() const { return rows_offset_; }
  const std::string& path() const { return path_; }

  uint64_t block_count() const { return blocks_; }
  // Blocks verified so far (tests and accounting).
  uint64_t VerifiedCount() const;

 private:
  const std::string path_;
  const uint8_t* const rows_;
  const uint64_t rows_bytes_;
  const uint64_t rows_offset_;
  const uint32_t block_bytes_;
  const uint8_t* const table_;
  const uint64_t blocks_;
  // Bit b of word b / 64: block b matched its CRC. Relaxed order suffices:
  // the bit only says a check passed on bytes that never change.
  const std::unique_ptr<std::atomic<uint64_t>[]> verified_;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_VECTOR_BLOCKS_H_
