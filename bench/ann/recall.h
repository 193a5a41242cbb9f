// Recall@k against exact ground truth, counting ties.
//
// For a query, a returned row is a hit when it is a valid, distinct row (and
// allowed by the filter, if any) whose exact distance to the query is no
// larger than that of the k-th true neighbour. Distances are recomputed with
// exact_distance.h, the same code that made the ground truth, so a tie is
// exactly a tie. Recall of a query = hits / k (capped at 1); of a run = the
// mean over queries. This is ann-benchmarks' definition without its epsilon.
//
// Thread-safety: a pure function.
#ifndef QUARRY_BENCH_ANN_RECALL_H_
#define QUARRY_BENCH_ANN_RECALL_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "exact_distance.h"
#include "ground_truth.h"
#include "vecs_io.h"

namespace quarry::bench {

struct RecallStats {
  double recall = 0;
  size_t filter_violations = 0;  // returned rows the filter excludes
  size_t invalid = 0;            // out-of-range ids or duplicates
};

// ids: `count` rows of k results for queries [0, count). REQUIRES: truth has
// at least min(k, candidates) columns; allowed (if not null) is sorted.
RecallStats ComputeRecall(const uint32_t* ids, size_t count, size_t k, const GroundTruth& truth,
                          const FloatMatrix& base, const FloatMatrix& queries, Metric metric,
                          const std::vector<uint32_t>* allowed);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_RECALL_H_
