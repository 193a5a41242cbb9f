// Semantic breaks: where the topic of a section changes, judged from the
// embeddings of its sentences (the `semantic` chunking strategy;
// docs/design/chunking.md, "The semantic strategy").
//
// The threshold is LlamaIndex's SemanticSplitterNodeParser's and LangChain's
// SemanticChunker's (percentile type, default 95); the distance compares
// blocks on either side of a gap, as TextTiling does (Hearst 1997), where
// they compare overlapping windows (why: docs/design/chunking.md):
//  1. At the gap before unit i of a section, the block before is units
//     i-2 and i-1 and the block after is units i and i+1 (kBlockUnits each,
//     fewer at the section's ends). A block's vector is the sum of its
//     units' vectors.
//  2. The distance at the gap is 1 - cos(before, after). No gap, and no
//     block, spans two sections.
//  3. The threshold is the given percentile of all the document's distances,
//     with numpy's default (linear) interpolation.
//  4. A break falls at a gap whose distance is above the threshold
//     (strictly, with distances within kDistanceTolerance counted as equal,
//     so float rounding never breaks uniform text).
// So percentile 100 gives no breaks, and fewer than two distances give none.
//
// Internal to ingest/. Thread-safety: pure functions.
#ifndef QUARRY_INGEST_SEMANTIC_BREAKS_H_
#define QUARRY_INGEST_SEMANTIC_BREAKS_H_

#include <cstddef>
#include <span>
#include <vector>

#include "ingest/chunk_units.h"

namespace quarry::ingest {

// Units in each block beside a gap.
inline constexpr size_t kBlockUnits = 2;

// Distances closer than this are treated as equal.
inline constexpr double kDistanceTolerance = 1e-6;

// The distance at the gap before unit i of a section (steps 1-2), for every
// gap inside a section, in order: {i, distance}.
struct UnitDistance {
  size_t unit;  // the second unit of the pair
  double distance;
};

// REQUIRES: vectors.size() == units.size() * dimensions, dimensions >= 1.
std::vector<UnitDistance> NeighbourDistances(const std::vector<ChunkUnit>& units,
                                             std::span<const float> vectors, size_t dimensions);

// The p-th percentile (0 <= p <= 100) of `values` by linear interpolation
// between closest ranks (numpy.percentile's default). 0 for no values.
double Percentile(std::vector<double> values, double p);

// The breaks (steps 1-4): the units before which a section's text changes
// topic, with their distance, in increasing order. Never a section's first unit.
// REQUIRES: as NeighbourDistances; 0 < percentile <= 100.
std::vector<UnitDistance> SemanticBreaks(const std::vector<ChunkUnit>& units,
                                         std::span<const float> vectors, size_t dimensions,
                                         double percentile);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_SEMANTIC_BREAKS_H_
