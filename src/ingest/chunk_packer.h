// Chunk packing: groups chunk units into chunks by estimated token counts
// (steps 3-5 of the chunker, ingest/chunker.h; reasons in
// docs/design/chunking.md).
//
// Whole units are added to a chunk while its estimated size stays within
// target_tokens; the estimate treats counts as additive after removing the
// counter's fixed overhead (count_tokens("")). A chunk never spans two
// sections, except that a tiny section (under a quarter of target_tokens) lets
// the chunk it is wholly in run on into the next. Within a section a chunk
// begins with the previous chunk's last whole units worth at most
// overlap * target_tokens, if its first new unit still fits.
//
// Internal to ingest/. Thread-safety: immutable after construction; Pack may
// run concurrently.
#ifndef QUARRY_INGEST_CHUNK_PACKER_H_
#define QUARRY_INGEST_CHUNK_PACKER_H_

#include <cstddef>
#include <vector>

#include "ingest/chunk_units.h"

namespace quarry::ingest {

// A chunk as a run of units.
struct UnitRange {
  size_t first;  // index of the first unit
  size_t fresh;  // first unit not in the previous chunk: first < fresh means overlap
  size_t last;   // one past the last unit
};

class ChunkPacker {
 public:
  // REQUIRES: every unit's section < section_count; `units` outlives the packer.
  ChunkPacker(const std::vector<ChunkUnit>& units, size_t section_count, size_t target_tokens,
              double overlap, size_t overhead);

  // The chunks of units [begin, end), in order, covering each unit. Overlap
  // never reaches before `begin`. REQUIRES: begin <= end <= units.size().
  std::vector<UnitRange> Pack(size_t begin, size_t end) const;

  // A unit's share of a chunk's tokens: its count without the counter's fixed overhead.
  size_t Estimate(size_t u) const {
    return units_[u].tokens > overhead_ ? units_[u].tokens - overhead_ : 0;
  }

  // Whether the section, all of it, is under a quarter of target_tokens.
  bool SectionIsTiny(size_t section) const { return section_tiny_[section]; }

 private:
  // The first unit of the overlap that the chunk after `closed` starts with,
  // or `next` for none. Never the closed chunk's first unit: chunks must advance.
  size_t OverlapStart(const UnitRange& closed, size_t next) const;

  const std::vector<ChunkUnit>& units_;
  size_t target_;
  size_t overhead_;
  size_t overlap_budget_;
  std::vector<size_t> section_first_unit_;
  std::vector<bool> section_tiny_;
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_CHUNK_PACKER_H_
