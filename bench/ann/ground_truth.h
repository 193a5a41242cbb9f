// Exact k nearest neighbours by brute force: the reference that recall is
// measured against.
//
// Every query is compared with every (allowed) base row using
// exact_distance.h, in blocks that stay in cache, on `threads` threads.
// Results are nearest first, ties broken by the lower row id; with the
// distances kept, recall can count a tie at the k-th distance as a hit.
//
// Thread-safety: the function starts and joins its own threads; its inputs
// must not change while it runs.
#ifndef QUARRY_BENCH_ANN_GROUND_TRUTH_H_
#define QUARRY_BENCH_ANN_GROUND_TRUTH_H_

#include <cstdint>
#include <vector>

#include "exact_distance.h"
#include "vecs_io.h"

namespace quarry::bench {

struct GroundTruth {
  IntMatrix ids;      // queries x k, nearest first
  FloatMatrix dists;  // the matching exact distances (smaller is closer)
};

// REQUIRES: base.cols == queries.cols; k <= number of candidate rows.
// `allowed`, when not empty, lists the only rows that may be returned
// (increasing order); otherwise every base row may.
GroundTruth ExactNeighbors(const FloatMatrix& base, const FloatMatrix& queries, Metric metric,
                           size_t k, size_t threads, const std::vector<uint32_t>& allowed = {});

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_GROUND_TRUTH_H_
