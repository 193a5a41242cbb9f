// Test-only helpers for the HNSW tests: data sets (Gaussian, clustered),
// a brute-force reference in double precision, and recall.
//
// Thread-safety: plain functions over values.
#ifndef QUARRY_VECTOR_HNSW_TEST_UTIL_H_
#define QUARRY_VECTOR_HNSW_TEST_UTIL_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <unordered_set>
#include <vector>

#include "vector/hnsw_index.h"

namespace quarry::vector::testing {

// rows x dims values, row-major.
struct DataSet {
  uint32_t dims = 0;
  std::vector<float> values;
  size_t rows() const { return values.size() / dims; }
  std::span<const float> Row(size_t r) const { return {values.data() + r * dims, dims}; }
};

inline DataSet Gaussian(size_t rows, uint32_t dims, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> dist;
  DataSet d{dims, std::vector<float>(rows * dims)};
  for (float& x : d.values) x = dist(rng);
  return d;
}

// `clusters` Gaussian blobs around random centres; spread is the blob
// radius relative to the centres' scale. Harder for graphs than uniform
// Gaussian data: dense pockets with few links between them.
inline DataSet Clustered(size_t rows, uint32_t dims, size_t clusters, float spread, uint64_t seed,
                         std::vector<uint32_t>* cluster_of = nullptr) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> dist;
  std::vector<float> centres(clusters * dims);
  for (float& x : centres) x = dist(rng);
  DataSet d{dims, std::vector<float>(rows * dims)};
  std::uniform_int_distribution<size_t> pick(0, clusters - 1);
  if (cluster_of != nullptr) cluster_of->resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    const size_t c = pick(rng);
    if (cluster_of != nullptr) (*cluster_of)[r] = static_cast<uint32_t>(c);
    for (uint32_t i = 0; i < dims; ++i) {
      d.values[r * dims + i] = centres[c * dims + i] + spread * dist(rng);
    }
  }
  return d;
}

// SIFT-like data: every value >= 0, `clusters` blobs, and dimensions whose
// spreads differ by up to 40x (log-uniform scales). What a single int8 range
// for all dimensions and raw sign bits handle badly (docs/design/
// kernels-and-quantization.md); spread is the blob radius relative to each
// dimension's scale.
inline DataSet Uncentred(size_t rows, uint32_t dims, size_t clusters, float spread, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> unit(0, 1);
  std::vector<float> scale(dims);
  for (float& s : scale) s = std::exp(unit(rng) * std::log(40.0f));
  std::vector<float> centres(clusters * dims);
  for (size_t c = 0; c < clusters; ++c) {
    for (uint32_t i = 0; i < dims; ++i) centres[c * dims + i] = scale[i] * (1.0f + unit(rng));
  }
  DataSet d{dims, std::vector<float>(rows * dims)};
  std::uniform_int_distribution<size_t> pick(0, clusters - 1);
  for (size_t r = 0; r < rows; ++r) {
    const size_t c = pick(rng);
    for (uint32_t i = 0; i < dims; ++i) {
      const float x = centres[c * dims + i] + spread * scale[i] * normal(rng);
      d.values[r * dims + i] = x > 0 ? x : 0;
    }
  }
  return d;
}

// Exact similarity in double precision, as the index defines it.
inline double Similarity(DistanceKind kind, std::span<const float> a, std::span<const float> b) {
  double dot = 0, na = 0, nb = 0, l2 = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += double{a[i]} * b[i];
    na += double{a[i]} * a[i];
    nb += double{b[i]} * b[i];
    l2 += (double{a[i]} - b[i]) * (double{a[i]} - b[i]);
  }
  switch (kind) {
    case DistanceKind::kCosine:
      return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0;
    case DistanceKind::kDot:
      return dot;
    case DistanceKind::kL2:
      return -l2;
  }
  return 0;
}

// The k best rows for `query` among rows where keep(row), best first.
inline std::vector<RowId> BruteForce(const DataSet& data, DistanceKind kind,
                                     std::span<const float> query, size_t k,
                                     const std::function<bool(RowId)>& keep = nullptr) {
  std::vector<std::pair<double, RowId>> scored;
  for (RowId r = 0; r < data.rows(); ++r) {
    if (keep && !keep(r)) continue;
    scored.emplace_back(-Similarity(kind, query, data.Row(r)), r);
  }
  const size_t n = std::min(k, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(n), scored.end());
  std::vector<RowId> out;
  for (size_t i = 0; i < n; ++i) out.push_back(scored[i].second);
  return out;
}

// A source (HnswIndex::BuildFile) over `data`, counting its calls in
// *calls when given.
inline RowSource SourceOf(const DataSet& data, size_t* calls = nullptr) {
  return [&data, calls](size_t first, std::span<float> out) {
    if (calls != nullptr) ++*calls;
    std::copy_n(data.values.begin() + static_cast<std::ptrdiff_t>(first * data.dims), out.size(),
                out.begin());
    return Status::Ok();
  };
}

// A small graph for file builds (m 8, ef_construct 48, linked at any size).
inline HnswConfig BuildTestConfig(Quantization q, DistanceKind d, uint32_t threads) {
  HnswConfig c;
  c.m = 8;
  c.ef_construct = 48;
  c.full_scan_threshold = 0;
  c.quantization = q;
  c.distance = d;
  c.build_threads = threads;
  return c;
}

// A quantization and a distance: what the build tests are parameterized by.
struct BuildCase {
  Quantization quantization;
  DistanceKind distance;
};
// Every quantization with cosine, and int8 with L2 and float32 with dot.
inline constexpr BuildCase kBuildCases[] = {{Quantization::kNone, DistanceKind::kCosine},
                                            {Quantization::kInt8, DistanceKind::kCosine},
                                            {Quantization::kInt8, DistanceKind::kL2},
                                            {Quantization::kBinary, DistanceKind::kCosine},
                                            {Quantization::kNone, DistanceKind::kDot}};

// |found ∩ truth| / |truth| (1 when truth is empty and found is too).
inline double Recall(const std::vector<Neighbor>& found, const std::vector<RowId>& truth) {
  if (truth.empty()) return found.empty() ? 1.0 : 0.0;
  std::unordered_set<RowId> t(truth.begin(), truth.end());
  size_t hit = 0;
  for (const Neighbor& n : found) hit += t.count(n.row);
  return static_cast<double>(hit) / static_cast<double>(truth.size());
}

}  // namespace quarry::vector::testing

#endif  // QUARRY_VECTOR_HNSW_TEST_UTIL_H_
