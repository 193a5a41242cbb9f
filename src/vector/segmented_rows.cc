#include "vector/segmented_rows.h"

#include <cstring>
#include <utility>

#include "base/check.h"

namespace quarry::vector {

SegmentedRows::SegmentedRows(size_t stride) : stride_(stride) {
  QUARRY_CHECK(stride > 0, "every store has a positive row size, fixed by the index layout");
}

void SegmentedRows::InitView(const uint8_t* base, size_t rows) {
  QUARRY_CHECK(chunk_count_ == 0, "a view is installed once, into a fresh store");
  is_view_ = true;
  capacity_.store(rows, std::memory_order_release);
  for (int c = 0; c < kMaxChunks && ChunkStart(c) < rows; ++c) {
    chunks_[c].store(const_cast<uint8_t*>(base) + ChunkStart(c) * stride_,
                     std::memory_order_release);
    chunk_count_ = c + 1;
  }
}

Status SegmentedRows::AllocateChunk(int c) {
  if (c >= kMaxChunks) return Status::ResourceExhausted("more than 2^32 rows");
  auto mem = MappedFile::Anonymous(ChunkRows(c) * stride_);
  if (!mem.ok()) return mem.status();
  owned_[c] = std::move(mem).value();
  return Status::Ok();
}

Status SegmentedRows::MakeOwned() {
  if (!is_view_) return Status::Ok();
  const size_t rows = capacity();
  for (int c = 0; c < chunk_count_; ++c) {
    QUARRY_RETURN_IF_ERROR(AllocateChunk(c));
    const size_t n = std::min(ChunkRows(c), rows - ChunkStart(c));
    std::memcpy(owned_[c].mutable_data(), chunks_[c].load(std::memory_order_relaxed), n * stride_);
    chunks_[c].store(owned_[c].mutable_data(), std::memory_order_release);
  }
  is_view_ = false;
  capacity_.store(chunk_count_ == 0 ? 0 : ChunkStart(chunk_count_), std::memory_order_release);
  return Status::Ok();
}

Status SegmentedRows::Reserve(size_t rows) {
  if (is_view_ && rows > capacity()) {
    // Rows of the last, partial chunk that the view covers are copied; the
    // chunks before it keep pointing into the mapping.
    const int last = chunk_count_ - 1;
    if (last >= 0 && capacity() - ChunkStart(last) < ChunkRows(last)) {
      const size_t viewed = capacity() - ChunkStart(last);
      QUARRY_RETURN_IF_ERROR(AllocateChunk(last));
      std::memcpy(owned_[last].mutable_data(), chunks_[last].load(std::memory_order_relaxed),
                  viewed * stride_);
      chunks_[last].store(owned_[last].mutable_data(), std::memory_order_release);
    }
    is_view_ = false;
    capacity_.store(chunk_count_ == 0 ? 0 : ChunkStart(chunk_count_), std::memory_order_release);
  }
  while (capacity() < rows) {
    QUARRY_RETURN_IF_ERROR(AllocateChunk(chunk_count_));
    chunks_[chunk_count_].store(owned_[chunk_count_].mutable_data(), std::memory_order_release);
    ++chunk_count_;
    capacity_.store(ChunkStart(chunk_count_), std::memory_order_release);
  }
  return Status::Ok();
}

void SegmentedRows::CopyIn(size_t first, const uint8_t* src, size_t rows) {
  QUARRY_CHECK(!is_view_ && first + rows <= capacity(), "callers Reserve() before copying in");
  // Rows of a former view are read-only mappings; callers copy into fresh stores only.
  while (rows > 0) {
    const size_t x = first + kFirstChunkRows;
    const int top = std::bit_width(x) - 1;
    const size_t in_chunk = (size_t{1} << (top + 1)) - x;  // rows left in this chunk
    const size_t n = std::min(rows, in_chunk);
    std::memcpy(MutableRow(first), src, n * stride_);
    src += n * stride_;
    first += n;
    rows -= n;
  }
}

size_t SegmentedRows::OwnedBytes() const {
  size_t total = 0;
  for (const MappedFile& m : owned_) total += m.size();
  return total;
}

}  // namespace quarry::vector
