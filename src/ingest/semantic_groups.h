// Semantic groups: the chunks of the `semantic` strategy, cut at the breaks
// of ingest/semantic_breaks.h and then held to the chunk size limits.
//
//  1. Groups: the runs of units between two breaks or section boundaries.
//  2. Minimum size: a tiny group (under a quarter of target_tokens, the
//     chunker's rule for tiny sections) joins the neighbour of its section it
//     is more alike (the smaller distance across the break), if the two fit
//     max_tokens; else the other neighbour, if they fit.
//  3. Tiny sections: a group ending a tiny section (ChunkPacker::SectionIsTiny)
//     runs on into the next section's first group if the two fit max_tokens,
//     as the structure strategy's chunks do.
//  4. The cap: a group whose estimated tokens fit max_tokens is one chunk,
//     without overlap (a break is a change of topic: nothing is repeated
//     across it). A larger group is packed by the structure rules
//     (ChunkPacker: target_tokens, with overlap inside the group).
// The chunker verifies each chunk's exact count afterwards, as for structure.
//
// Internal to ingest/. Thread-safety: pure function.
#ifndef QUARRY_INGEST_SEMANTIC_GROUPS_H_
#define QUARRY_INGEST_SEMANTIC_GROUPS_H_

#include <cstddef>
#include <vector>

#include "ingest/chunk_packer.h"
#include "ingest/chunk_units.h"
#include "ingest/semantic_breaks.h"

namespace quarry::ingest {

struct SemanticGroupLimits {
  size_t target_tokens = 0;  // a group under a quarter of it is tiny
  size_t max_tokens = 0;     // a group above it is packed to target_tokens
  size_t overhead = 0;       // count_tokens(""): added once per chunk
};

// The chunks of all `units`, in order, covering each unit.
// REQUIRES: breaks as SemanticBreaks returns them for `units`; `packer` built
// on `units` with the same target_tokens and overhead.
std::vector<UnitRange> PackSemanticGroups(const std::vector<ChunkUnit>& units,
                                          const std::vector<UnitDistance>& breaks,
                                          const ChunkPacker& packer,
                                          const SemanticGroupLimits& limits);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_SEMANTIC_GROUPS_H_
