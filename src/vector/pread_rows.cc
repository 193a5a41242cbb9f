#include "vector/pread_rows.h"

#include <cstring>
#include <string>

#include "base/check.h"

namespace quarry::vector {
namespace {

uint32_t RowsIn(const VectorBlocks& blocks, size_t stride) {
  QUARRY_CHECK(stride > 0, "an index's rows have dims > 0 floats");
  return static_cast<uint32_t>(blocks.rows_bytes() / stride);
}

}  // namespace

PreadRows::PreadRows(std::unique_ptr<RandomAccessFile> file, const VectorBlocks& blocks,
                     size_t stride)
    : file_(std::move(file)), blocks_(blocks), stride_(stride), rows_(RowsIn(blocks, stride)) {
  file_->AdviseRandom();  // a read brings in the row's pages, not a window around them
}

Status PreadRows::ReadExactly(uint64_t rows_offset, uint8_t* out, size_t n) const {
  const uint64_t at = blocks_.rows_offset() + rows_offset;
  QUARRY_ASSIGN_OR_RETURN(size_t got, file_->Read(at, std::span<uint8_t>(out, n)));
  if (got != n) {
    return Status::IOError(blocks_.path() + ": short read: " + std::to_string(got) + " of " +
                           std::to_string(n) + " bytes at offset " + std::to_string(at) +
                           " (the file shrank since it was opened)");
  }
  return Status::Ok();
}

Status PreadRows::Read(uint32_t row, uint8_t* out, std::vector<uint8_t>* scratch) const {
  QUARRY_CHECK(row < rows_, "the row is in the file");
  const uint64_t begin = uint64_t{row} * stride_;
  const uint64_t block_bytes = blocks_.block_bytes();
  const uint64_t first = begin / block_bytes;
  const uint64_t last = (begin + stride_ - 1) / block_bytes;
  bool verified = true;
  for (uint64_t b = first; b <= last && verified; ++b) verified = blocks_.IsVerified(b);
  if (verified) return ReadExactly(begin, out, stride_);

  const uint64_t span_begin = first * block_bytes;
  const uint64_t span = last * block_bytes + blocks_.block_size(last) - span_begin;
  scratch->resize(span);
  QUARRY_RETURN_IF_ERROR(ReadExactly(span_begin, scratch->data(), span));
  for (uint64_t b = first; b <= last; ++b) {
    if (blocks_.IsVerified(b)) continue;
    QUARRY_RETURN_IF_ERROR(blocks_.Verify(b, scratch->data() + (b - first) * block_bytes));
  }
  std::memcpy(out, scratch->data() + (begin - span_begin), stride_);
  return Status::Ok();
}

}  // namespace quarry::vector
