// SegmentedRows: fixed-stride rows (vectors, codes, link lists) in chunks that
// never move once allocated.
//
// Row r lives in chunk c = floor(log2(r + kFirstChunkRows)) - kFirstChunkShift;
// chunk c holds kFirstChunkRows << c rows. Chunks double, so a contiguous
// region of rows [0, n) (a memory-mapped file) splits into the same chunks
// without copying, and growing never relocates a row: a search may read rows
// while the single writer appends new ones, with no lock between them. That
// is why chunks and not one reallocated array (hnswlib's resizeIndex needs
// every search stopped).
//
// Owned chunks are anonymous mappings (zero-filled, committed on first touch,
// advised for huge pages). A store may instead start as a read-only view of a
// mapped file; the writer calls MakeOwned() before its first write.
//
// Thread-safety: Row() may be called from any thread for rows whose content
// the caller knows was published (the index orders that through its own
// release/acquire on link ids and row counts). Reserve(), MakeOwned(),
// InitView() and MutableRow() belong to the single writer.
#ifndef QUARRY_VECTOR_SEGMENTED_ROWS_H_
#define QUARRY_VECTOR_SEGMENTED_ROWS_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "base/mapped_file.h"
#include "quarry/status.h"

namespace quarry::vector {

class SegmentedRows {
 public:
  static constexpr int kFirstChunkShift = 10;
  static constexpr size_t kFirstChunkRows = size_t{1} << kFirstChunkShift;
  // Enough chunks for 2^32 rows.
  static constexpr int kMaxChunks = 33 - kFirstChunkShift;

  // REQUIRES: stride > 0.
  explicit SegmentedRows(size_t stride);
  SegmentedRows(const SegmentedRows&) = delete;
  SegmentedRows& operator=(const SegmentedRows&) = delete;

  // First row of chunk c.
  static constexpr size_t ChunkStart(int c) { return (kFirstChunkRows << c) - kFirstChunkRows; }
  static constexpr size_t ChunkRows(int c) { return kFirstChunkRows << c; }

  // REQUIRES: r < capacity() (the caller's published row count guarantees it).
  const uint8_t* Row(size_t r) const {
    const size_t x = r + kFirstChunkRows;
    const int top = std::bit_width(x) - 1;
    return chunks_[top - kFirstChunkShift].load(std::memory_order_relaxed) +
           (x - (size_t{1} << top)) * stride_;
  }
  // REQUIRES: r < capacity() and r is not a row of a view (see Reserve).
  uint8_t* MutableRow(size_t r) { return const_cast<uint8_t*>(Row(r)); }

  // Makes this store a read-only view of `rows` rows laid out contiguously at
  // `base` (a mapping that must outlive the store). REQUIRES: empty store.
  void InitView(const uint8_t* base, size_t rows);

  // Allocates chunks until capacity() >= rows. For a view, only the chunk
  // the view ends inside is copied into owned memory: rows of the view stay
  // mapped and read-only (fine for append-only stores: vectors and codes are
  // written once). Stores whose old rows change call MakeOwned() first.
  // ResourceExhausted when memory runs out.
  Status Reserve(size_t rows);
  // Copies rows [first, first + rows) from contiguous `src` into owned chunks.
  // REQUIRES: owned rows, first + rows <= capacity().
  void CopyIn(size_t first, const uint8_t* src, size_t rows);
  // Calls f(bytes, row_count) for the contiguous runs covering rows
  // [0, rows), in order. REQUIRES: rows <= capacity().
  template <typename F>
  void ForEachRun(size_t rows, F&& f) const {
    for (int c = 0; c < kMaxChunks && ChunkStart(c) < rows; ++c) {
      f(chunks_[c].load(std::memory_order_relaxed), std::min(ChunkRows(c), rows - ChunkStart(c)));
    }
  }
  // Copies every row of a view into owned chunks (readers still using the
  // old view keep valid, unchanged bytes). No-op for an owned store.
  Status MakeOwned();

  size_t stride() const { return stride_; }
  // Rows that may be addressed: allocated rows, or the rows of a view.
  // Readers may call it while the writer grows the store (they then see the
  // old or the new capacity).
  size_t capacity() const { return capacity_.load(std::memory_order_acquire); }
  bool is_view() const { return is_view_; }
  // Bytes of memory allocated for owned chunks (0 for a view).
  size_t OwnedBytes() const;

 private:
  Status AllocateChunk(int c);

  size_t stride_;
  std::atomic<size_t> capacity_{0};
  int chunk_count_ = 0;
  bool is_view_ = false;
  std::array<std::atomic<uint8_t*>, kMaxChunks> chunks_{};
  std::array<MappedFile, kMaxChunks> owned_;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_SEGMENTED_ROWS_H_
