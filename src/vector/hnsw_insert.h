// Inserting rows into an HNSW index: storing vectors and codes, training the
// quantizer, drawing levels, and linking nodes into the graph with the
// neighbour-selection heuristic, on several threads for a batch.
//
// Thread-safety: InsertRows is the single writer (the caller holds
// state.writer); searches may run concurrently (see hnsw_state.h).
#ifndef QUARRY_VECTOR_HNSW_INSERT_H_
#define QUARRY_VECTOR_HNSW_INSERT_H_

#include <atomic>
#include <cstdint>
#include <span>

#include "quarry/status.h"
#include "vector/hnsw_state.h"

namespace quarry::vector {

// The level of `row`, a function of (seed, row) only, so that a build gives
// the same graph on any number of threads' worth of level draws, and an
// index reopened from disk keeps drawing the same sequence. Geometric with
// P(level >= l) = m^-l (mult = 1 / ln m), capped at kMaxGraphLevel.
int DrawLevel(uint64_t seed, uint32_t row, uint32_t m);

// Trains the quantizer (int8 ranges or binary centre) on a sample of the
// stored vectors once there are kMinTrainRows of them, then writes the code
// records of rows [first, end), or of every row [0, end) when this call
// trained it, and sets codes_ready. Does nothing before there are enough rows.
// REQUIRES: caller holds state.writer (or owns a state nobody searches yet);
// state is quantized; vectors and code storage hold rows [0, end).
Status TrainAndEncode(HnswState& state, size_t first, size_t end, size_t threads);

// Adds rows [first, first + n) from `vectors` (n * dims floats) and publishes
// them. With one thread the graph is deterministic.
// REQUIRES: caller holds state.writer; first == state.rows; vectors.size()
// is a positive multiple of dims; every value is finite.
Status InsertRows(HnswState& state, uint32_t first, std::span<const float> vectors, size_t threads);

// Links rows [first, end) whose vectors are already stored (normalized for
// cosine) into the graph: trains the quantizer and writes codes when due,
// draws levels, inserts on `threads` threads, then publishes the rows.
// When `cancel` (may be null) becomes true, the workers stop at the next row
// and Unavailable is returned: the state is then unusable (rows not linked).
// REQUIRES: as InsertRows, and vectors, codes (when quantized) and graph
// have room for `end` rows.
Status LinkStoredRows(HnswState& state, uint32_t first, uint32_t end, size_t threads,
                      const std::atomic<bool>* cancel = nullptr);

// Copies the levels, neighbour lists and entry point of nodes [0, nodes) of
// `from` into state.graph, so that LinkStoredRows(state, nodes, end, ...)
// inserts only the rows after them: a merge starts from the graph of its
// largest input instead of linking every row again (HnswIndex::BuildFile).
// The copy holds tombstones of no node. REQUIRES: a fresh state whose graph
// has room for `nodes`; from.m() == state.graph.m(); every id in `from`'s
// lists of these nodes is below `nodes` (true of a whole index); the rows
// are `from`'s, in order.
void CopyGraph(HnswState& state, const HnswGraph& from, uint32_t nodes);

// Stores rows [first, end) whose vectors are already stored without linking
// them: codes as LinkStoredRows writes them (no search reads them, but a
// trained index's vectors are then verified block by block on first read,
// as in any quantized index), every node on level 0 with no
// links and no entry point, so every search of the index is an exact scan
// (SearchHnsw). For a sealed segment under full_scan_threshold rows, which
// is scanned anyway: the graph would cost most of its build and never be
// walked (docs/design/hnsw.md, "Segments under the full-scan threshold").
// REQUIRES: as LinkStoredRows; the graph holds no linked node.
Status StoreRowsUnlinked(HnswState& state, uint32_t first, uint32_t end, size_t threads);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_INSERT_H_
