// The benchmark's datasets: the two small real sets in ../shared/data/ann and
// two generated ones, each with held-out queries and exact ground truth.
//
//   fmnistsmall  1,000 x 784 Fashion-MNIST, 500 queries, L2 (shared files;
//                ground truth recomputed and checked against the shipped one)
//   bigann10k    SIFT 128-d, L2. The shipped queries are base rows, so the last
//                1,000 base rows are held out as queries and the first 9,000
//                are the base; ground truth is recomputed.
//   minilm384    384-d unit vectors around the 1,109 real all-MiniLM-L6-v2
//                query embeddings (generators.h), cosine/inner product
//   gauss128     128-d clustered Gaussian (generators.h), L2
//
// Generated sets and every ground truth are cached under `cache_dir`, in
// files named by everything they depend on, so reruns skip the work.
//
// Thread-safety: free functions; callers must not share a cache directory
// between concurrent runs.
#ifndef QUARRY_BENCH_ANN_DATASETS_H_
#define QUARRY_BENCH_ANN_DATASETS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "exact_distance.h"
#include "ground_truth.h"
#include "quarry/status.h"
#include "vecs_io.h"

namespace quarry::bench {

struct DatasetOptions {
  std::string data_dir;   // the shared data folder (holds ann/ and reference/)
  std::string cache_dir;  // where generated sets and ground truth are kept
  size_t synthetic_rows = 1000000;
  size_t synthetic_queries = 1000;
  uint64_t seed = 42;
  size_t threads = 2;
  size_t truth_k = 100;
};

struct Dataset {
  std::string name;
  std::string description;
  Metric metric = Metric::kL2;
  FloatMatrix base;
  FloatMatrix queries;
  GroundTruth truth;      // truth_k neighbours of every query
  std::string cache_key;  // identifies base + queries, for derived caches
  // For generated sets: dataset_stats.h figures of the real data imitated.
  std::string reference_stats;
};

const std::vector<std::string>& KnownDatasets();

Result<Dataset> LoadDataset(const std::string& name, const DatasetOptions& options);

// A filter that keeps round(fraction * rows) rows (at least `min_rows`),
// chosen uniformly at random with `seed`, and the exact neighbours of every
// query among those rows (cached like the rest).
struct FilteredTruth {
  double fraction = 0;
  std::vector<uint32_t> allowed;  // increasing
  GroundTruth truth;
};
Result<FilteredTruth> MakeFilteredTruth(const Dataset& ds, double fraction, size_t min_rows,
                                        const DatasetOptions& options);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_DATASETS_H_
