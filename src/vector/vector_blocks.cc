#include "vector/vector_blocks.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>

#include "base/crc32c.h"

namespace quarry::vector {
namespace {

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

}  // namespace

VectorBlocks::VectorBlocks(std::string path, const uint8_t* rows, uint64_t rows_bytes,
                           uint64_t rows_offset, uint32_t block_bytes, const uint8_t* table)
    : path_(std::move(path)),
      rows_(rows),
      rows_bytes_(rows_bytes),
      rows_offset_(rows_offset),
      block_bytes_(block_bytes),
      table_(table),
      blocks_((rows_bytes + block_bytes - 1) / block_bytes),
      verified_(std::make_unique<std::atomic<uint64_t>[]>((blocks_ + 63) / 64)) {}

Status VectorBlocks::Check(uint64_t offset, uint64_t n) const {
  if (n == 0 || offset >= rows_bytes_) return Status::Ok();
  const uint64_t end = std::min(rows_bytes_, offset + n);
  const uint64_t last = (end - 1) / block_bytes_;
  for (uint64_t b = offset / block_bytes_; b <= last; ++b) {
    std::atomic<uint64_t>& word = verified_[b / 64];
    const uint64_t bits = word.load(std::memory_order_relaxed);
    if (bits == ~uint64_t{0} && b % 64 == 0 && b + 63 <= last) {
      b += 63;  // 64 verified blocks at once (long exact scans, CheckAll)
      continue;
    }
    if ((bits >> (b % 64) & 1) != 0) continue;
    QUARRY_RETURN_IF_ERROR(Verify(b, rows_ + b * block_bytes_));  // the mapped bytes
  }
  return Status::Ok();
}

Status VectorBlocks::Verify(uint64_t block, const uint8_t* bytes) const {
  const uint64_t begin = block * block_bytes_;
  const uint64_t n = block_size(block);
  uint32_t stored;
  std::memcpy(&stored, table_ + block * sizeof(uint32_t), sizeof stored);
  const uint32_t computed = crc32c::Value(bytes, n);
  if (computed == stored) {
    verified_[block / 64].fetch_or(uint64_t{1} << (block % 64), std::memory_order_relaxed);
    return Status::Ok();
  }
  return Status::Corruption(path_ + ": block " + std::to_string(block) + " (bytes " +
                            std::to_string(rows_offset_ + begin) + ".." +
                            std::to_string(rows_offset_ + begin + n - 1) +
                            ") checksum mismatch (stored " + Hex(stored) + ", computed " +
                            Hex(computed) + "): its vectors are not used");
}

uint64_t VectorBlocks::VerifiedCount() const {
  uint64_t count = 0;
  for (uint64_t w = 0; w < (blocks_ + 63) / 64; ++w) {
    count += std::popcount(verified_[w].load(std::memory_order_relaxed));
  }
  return count;
}

}  // namespace quarry::vector
