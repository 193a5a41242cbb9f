// PreadRows: the full-precision rows of a mapped vectors.f32 (format
// version 3) read with pread(2) into the caller's memory, for rescoring.
//
// Why not through the mapping: a page fault on a mapped file whose pages
// are in the page cache maps up to 16 cached neighbours with it (the
// kernel's fault-around, 64 KiB; MADV_RANDOM does not stop it), so each
// 1.5 KiB row a query rescored added up to 64 KiB to the process's resident
// memory, until every row ever rescored was resident. A copy costs the
// process nothing once the query is done: the page cache keeps the file's
// pages (shared, clean, reclaimed under pressure), the process does not.
// And a failed read is an IOError rather than a SIGBUS. RocksDB reads its
// table files this way by default (use_mmap_reads = false).
// docs/design/storage-engine.md, "Reading rows and payload with pread".
//
// Verification stays lazy (vector_blocks.h): a row whose blocks are all
// verified is read alone; otherwise the whole blocks it overlaps are read,
// verified and marked, and the row is copied out of them.
//
// Thread-safety: Read() may be called from any number of threads at once.
#ifndef QUARRY_VECTOR_PREAD_ROWS_H_
#define QUARRY_VECTOR_PREAD_ROWS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "base/env.h"
#include "quarry/status.h"
#include "vector/vector_blocks.h"

namespace quarry::vector {

class PreadRows {
 public:
  // `file`: the vectors.f32 that `blocks` describes; `stride`: bytes per
  // row. `blocks` must outlive this object. REQUIRES: stride > 0.
  PreadRows(std::unique_ptr<RandomAccessFile> file, const VectorBlocks& blocks, size_t stride);

  // Rows in the file's rows region; later rows are not in the file.
  uint32_t rows() const { return rows_; }

  // Copies row `row` (stride bytes) into `out`. `scratch` holds the row's
  // whole blocks when they are not verified yet. Corruption when a block's
  // CRC does not match (every later read of it fails again), IOError when
  // the file cannot be read or has shrunk. REQUIRES: row < rows().
  Status Read(uint32_t row, uint8_t* out, std::vector<uint8_t>* scratch) const;

 private:
  Status ReadExactly(uint64_t rows_offset, uint8_t* out, size_t n) const;

  const std::unique_ptr<RandomAccessFile> file_;
  const VectorBlocks& blocks_;
  const size_t stride_;
  const uint32_t rows_;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_PREAD_ROWS_H_
