// A few numbers that describe a dataset's neighbourhood structure, printed
// with every report so that a generated set can be compared with real data:
// the distance to the 1st and 10th true neighbour of the queries, and between
// random pairs of base rows (medians, with the 10th and 90th percentiles).
// For inner-product data the numbers are cosine similarities (higher is
// closer); for L2 data, Euclidean distances.
//
// Thread-safety: a pure function.
#ifndef QUARRY_BENCH_ANN_DATASET_STATS_H_
#define QUARRY_BENCH_ANN_DATASET_STATS_H_

#include <string>

#include "datasets.h"

namespace quarry::bench {

struct Spread {
  double p10 = 0;
  double median = 0;
  double p90 = 0;
};

struct DatasetStats {
  std::string unit;  // "cosine" or "L2 distance"
  Spread nn1;
  Spread nn10;
  Spread random_pair;
};

DatasetStats DescribeDataset(const Dataset& ds, uint64_t seed);
// The same numbers for a set of unit vectors among themselves (each row's
// neighbours among the other rows): the real embeddings a generator imitates.
DatasetStats DescribeUnitVectors(const FloatMatrix& rows, uint64_t seed);

// "cosine: 1st neighbour 0.81 (0.74-0.88), 10th 0.77 (...), random pair 0.10 (...)".
std::string FormatStats(const DatasetStats& s);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_DATASET_STATS_H_
