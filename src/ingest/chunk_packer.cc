#include "ingest/chunk_packer.h"

#include <cmath>

namespace quarry::ingest {

ChunkPacker::ChunkPacker(const std::vector<ChunkUnit>& units, size_t section_count,
                         size_t target_tokens, double overlap, size_t overhead)
    : units_(units),
      target_(target_tokens),
      overhead_(overhead),
      overlap_budget_(
          static_cast<size_t>(std::floor(overlap * static_cast<double>(target_tokens)))),
      section_first_unit_(section_count, 0),
      section_tiny_(section_count, false) {
  std::vector<size_t> section_tokens(section_count, overhead_);
  for (size_t u = units_.size(); u-- > 0;) {
    section_first_unit_[units_[u].section] = u;
    section_tokens[units_[u].section] += Estimate(u);
  }
  for (size_t s = 0; s < section_count; ++s) section_tiny_[s] = 4 * section_tokens[s] < target_;
}

std::vector<UnitRange> ChunkPacker::Pack(size_t begin, size_t end) const {
  std::vector<UnitRange> chunks;
  if (begin >= end) return chunks;
  size_t first = begin;
  size_t fresh = begin;
  size_t sum = overhead_ + Estimate(begin);  // estimated tokens of the open chunk
  for (size_t u = begin + 1; u < end; ++u) {
    const uint32_t section = units_[u].section;
    const uint32_t previous = units_[u - 1].section;
    const bool same_section = section == previous;
    // A tiny section wholly inside the open chunk lets it run on.
    const bool may_cross = section_tiny_[previous] && section_first_unit_[previous] >= first;
    if ((same_section || may_cross) && sum + Estimate(u) <= target_) {
      sum += Estimate(u);
      continue;
    }
    chunks.push_back({first, fresh, u});
    first = u;
    fresh = u;
    sum = overhead_;
    if (same_section) {
      const size_t start = OverlapStart(chunks.back(), u);
      size_t overlap_sum = 0;
      for (size_t o = start; o < u; ++o) overlap_sum += Estimate(o);
      if (overhead_ + overlap_sum + Estimate(u) <= target_) {
        first = start;
        sum += overlap_sum;
      }
    }
    sum += Estimate(u);
  }
  chunks.push_back({first, fresh, end});
  return chunks;
}

size_t ChunkPacker::OverlapStart(const UnitRange& closed, size_t next) const {
  size_t start = next;
  size_t sum = 0;
  while (start - 1 > closed.first && units_[start - 1].section == units_[next].section &&
         sum + Estimate(start - 1) <= overlap_budget_) {
    sum += Estimate(start - 1);
    --start;
  }
  return start;
}

}  // namespace quarry::ingest
