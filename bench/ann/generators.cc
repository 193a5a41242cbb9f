#include "generators.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

#include "ground_truth.h"
#include "rng.h"

namespace quarry::bench {
namespace {

// Streams: rows use their index; per-cluster parameters use indexes from here
// on, which no row count reaches.
constexpr uint64_t kParamStream = uint64_t{1} << 48;

// Runs f(row) for rows [0, count) split into contiguous ranges over threads.
template <typename F>
void ParallelRows(size_t count, size_t threads, F&& f) {
  threads = std::max<size_t>(1, std::min(threads, count));
  std::vector<std::thread> pool;
  auto range = [&](size_t t) {
    const size_t begin = count * t / threads;
    const size_t end = count * (t + 1) / threads;
    for (size_t r = begin; r < end; ++r) f(r);
  };
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(range, t);
  range(0);
  for (std::thread& t : pool) t.join();
}

void Normalize(float* v, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += static_cast<double>(v[i]) * v[i];
  if (s <= 0) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(s));
  for (size_t i = 0; i < n; ++i) v[i] *= inv;
}

}  // namespace

FloatMatrix GenerateMiniLmLike(const FloatMatrix& anchors, const MiniLmLikeParams& params,
                               uint64_t seed, uint64_t first_row, size_t count, size_t threads) {
  const size_t dims = anchors.cols;
  const size_t na = anchors.rows;

  // Each anchor's nearest other anchors (by cosine), for topic blends.
  const size_t nb = std::min(params.blend_neighbors, na - 1);
  const GroundTruth near = ExactNeighbors(anchors, anchors, Metric::kInnerProduct, nb + 1, threads);

  // Anchors minus their mean: noise drawn from their span has their covariance.
  std::vector<double> mean(dims, 0.0);
  for (size_t i = 0; i < na; ++i) {
    for (size_t d = 0; d < dims; ++d) mean[d] += anchors.row(i)[d];
  }
  for (double& m : mean) m /= static_cast<double>(na);
  FloatMatrix centered(na, dims);
  for (size_t i = 0; i < na; ++i) {
    for (size_t d = 0; d < dims; ++d) {
      centered.row(i)[d] = static_cast<float>(anchors.row(i)[d] - mean[d]);
    }
  }

  const double noise_w = params.noise_scale / std::sqrt(static_cast<double>(params.noise_terms));
  const double iso_w = params.iso_scale / std::sqrt(static_cast<double>(dims));
  FloatMatrix out(count, dims);
  ParallelRows(count, threads, [&](size_t r) {
    Rng rng(seed, first_row + r);
    const size_t i = rng.Below(na);
    // Skip the anchor itself when it is its own nearest neighbour.
    const int32_t* nbrs = near.ids.row(i);
    size_t pick = 1 + rng.Below(nb);
    if (nbrs[0] != static_cast<int32_t>(i)) pick -= 1;
    const size_t j = static_cast<size_t>(nbrs[pick]);
    const float t = static_cast<float>(rng.Uniform() * params.max_blend);
    float* x = out.row(r);
    for (size_t d = 0; d < dims; ++d) {
      x[d] = (1 - t) * anchors.row(i)[d] + t * anchors.row(j)[d];
    }
    for (size_t l = 0; l < params.noise_terms; ++l) {
      const float z = static_cast<float>(rng.Normal() * noise_w);
      const float* c = centered.row(rng.Below(na));
      for (size_t d = 0; d < dims; ++d) x[d] += z * c[d];
    }
    for (size_t d = 0; d < dims; ++d) x[d] += static_cast<float>(rng.Normal() * iso_w);
    Normalize(x, dims);
  });
  return out;
}

FloatMatrix GenerateClusteredGaussian(const ClusteredGaussianParams& params, uint64_t seed,
                                      uint64_t first_row, size_t count, size_t threads) {
  const size_t dims = params.dims;
  FloatMatrix centers(params.clusters, dims);
  std::vector<double> sigma(params.clusters);
  for (size_t c = 0; c < params.clusters; ++c) {
    Rng rng(seed, kParamStream + c);
    for (size_t d = 0; d < dims; ++d) centers.row(c)[d] = static_cast<float>(rng.Normal());
    sigma[c] = params.sigma_min + (params.sigma_max - params.sigma_min) * rng.Uniform();
  }
  FloatMatrix out(count, dims);
  ParallelRows(count, threads, [&](size_t r) {
    Rng rng(seed, first_row + r);
    const size_t c = rng.Below(params.clusters);
    float* x = out.row(r);
    for (size_t d = 0; d < dims; ++d) {
      x[d] = centers.row(c)[d] + static_cast<float>(rng.Normal() * sigma[c]);
    }
  });
  return out;
}

}  // namespace quarry::bench
