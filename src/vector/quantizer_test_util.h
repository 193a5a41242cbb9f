// Test-only helpers for the quantizer tests: unit Gaussian rows, an exact dot
// product in double precision, top-k and overlap.
//
// Thread-safety: plain functions over values.
#ifndef QUARRY_VECTOR_QUANTIZER_TEST_UTIL_H_
#define QUARRY_VECTOR_QUANTIZER_TEST_UTIL_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

namespace quarry::vector::testing {

// n rows of `dims` standard Gaussian values, each row scaled to unit length.
inline std::vector<float> UnitGaussianRows(size_t n, size_t dims, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> rows(n * dims);
  for (size_t r = 0; r < n; ++r) {
    float* row = rows.data() + r * dims;
    double norm = 0;
    for (size_t i = 0; i < dims; ++i) {
      row[i] = normal(rng);
      norm += double{row[i]} * row[i];
    }
    const auto inv = static_cast<float>(1 / std::sqrt(norm));
    for (size_t i = 0; i < dims; ++i) row[i] *= inv;
  }
  return rows;
}

inline double ExactDot(const float* a, const float* b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += double{a[i]} * b[i];
  return s;
}

inline double ExactL2(const float* a, const float* b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += (double{a[i]} - b[i]) * (double{a[i]} - b[i]);
  return s;
}

// Indices of the k largest scores, best first (ties: lower index first).
inline std::vector<size_t> TopK(const std::vector<double>& scores, size_t k) {
  std::vector<size_t> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::partial_sort(
      idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
      [&](size_t a, size_t b) { return scores[a] != scores[b] ? scores[a] > scores[b] : a < b; });
  idx.resize(k);
  return idx;
}

// |truth ∩ found| / |truth|.
inline double Overlap(const std::vector<size_t>& truth, const std::vector<size_t>& found) {
  size_t hits = 0;
  for (size_t t : truth) hits += std::count(found.begin(), found.end(), t);
  return static_cast<double>(hits) / static_cast<double>(truth.size());
}

}  // namespace quarry::vector::testing

#endif  // QUARRY_VECTOR_QUANTIZER_TEST_UTIL_H_
