// Synthetic datasets, defined entirely by their parameters and a seed (rng.h
// draws the same numbers everywhere). Rows are generated independently, each
// from its own random stream, so the result does not depend on the number of
// threads, and the first n rows of a larger set equal the set of n rows.
// docs/design/ann-benchmark.md explains the choices and shows the resulting
// distance distributions.
//
// Thread-safety: the functions start and join their own threads.
#ifndef QUARRY_BENCH_ANN_GENERATORS_H_
#define QUARRY_BENCH_ANN_GENERATORS_H_

#include <cstddef>
#include <cstdint>

#include "vecs_io.h"

namespace quarry::bench {

// Sentence-embedding-like unit vectors around real all-MiniLM-L6-v2
// embeddings (`anchors`, unit rows). Row r:
//   pick anchor i uniformly and j uniformly among i's `blend_neighbors`
//   nearest anchors; t ~ U(0, max_blend);
//   x = (1 - t) a_i + t a_j                          topic blend
//     + noise_scale / sqrt(noise_terms) * Σ z_l (a_{r_l} - mean)
//                                                    anisotropic noise with the
//                                                    anchors' own covariance
//     + iso_scale / sqrt(dims) * g                    small isotropic noise
//   then x is scaled to unit norm. z_l and g are standard normal, r_l uniform.
struct MiniLmLikeParams {
  size_t blend_neighbors = 10;
  double max_blend = 0.5;
  size_t noise_terms = 8;
  double noise_scale = 0.6;
  double iso_scale = 0.15;
};

// Rows [first_row, first_row + count) of the stream selected by `seed`.
FloatMatrix GenerateMiniLmLike(const FloatMatrix& anchors, const MiniLmLikeParams& params,
                               uint64_t seed, uint64_t first_row, size_t count, size_t threads);

// Clustered Gaussian data: `clusters` centres with coordinates ~ N(0, 1);
// each cluster c has its own spread sigma_c ~ U(sigma_min, sigma_max); a row
// picks a cluster uniformly and adds N(0, sigma_c^2) to each coordinate.
struct ClusteredGaussianParams {
  size_t dims = 128;
  size_t clusters = 1000;
  double sigma_min = 0.3;
  double sigma_max = 0.7;
};

FloatMatrix GenerateClusteredGaussian(const ClusteredGaussianParams& params, uint64_t seed,
                                      uint64_t first_row, size_t count, size_t threads);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_GENERATORS_H_
