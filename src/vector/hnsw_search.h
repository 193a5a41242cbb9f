// Answering a query on an HNSW index: choosing between an exact scan and a
// graph traversal, walking the graph on quantized codes, rescoring the best
// candidates with full-precision vectors.
//
//   live rows < full_scan_threshold,      exact scan over live rows
//   or no graph (empty, or unlinked)
//   filter selective (ChooseFilterPlan)   exact scan over the allowed rows
//   otherwise                             greedy descent, beam search with
//                                         ef' = max(ef, k·oversampling) on
//                                         level 0, rescoring of the best
//                                         k·oversampling with float32
//
// Thread-safety: read-only on the state; runs concurrently with other
// searches and with the writer (see hnsw_state.h).
#ifndef QUARRY_VECTOR_HNSW_SEARCH_H_
#define QUARRY_VECTOR_HNSW_SEARCH_H_

#include <span>
#include <vector>

#include "quarry/status.h"
#include "vector/hnsw_state.h"
#include "vector/vector_index.h"

namespace quarry::vector {

// Whether a filter allowing `allowed` of `rows` rows is answered by an exact
// scan over them rather than a filtered traversal with `ef` (the candidate
// list size actually used). Exact when the filter keeps at most the
// configured fraction of rows, or when the scan is estimated cheaper: a
// filtered traversal expands about ef / selectivity nodes (it stops only once
// ef allowed nodes are kept), each costing about m distances, while a scan
// costs one float32 row per allowed row (about 4 quantized distances: the
// row is 4x the bytes of an int8 code).
bool ExactScanIsBetter(const HnswConfig& config, size_t allowed, size_t rows, size_t ef);

// Which path a search takes. kAuto is the rule above; the others force a
// path, for tests that check each path on its own.
enum class SearchPlan { kAuto, kGraph, kExact };

// REQUIRES: params validated (k >= 1, ef 0 or >= k, oversampling 0 or
// >= 1), query.size() == state.dims, every value finite.
Result<std::vector<Neighbor>> SearchHnsw(const HnswState& state, std::span<const float> query,
                                         const SearchParams& params,
                                         SearchPlan plan = SearchPlan::kAuto);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_SEARCH_H_
