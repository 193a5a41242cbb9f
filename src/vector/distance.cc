#include "vector/distance.h"

#include <cmath>

namespace quarry::vector {

float DotProduct(const float* a, const float* b, size_t n) {
  // Four independent accumulators let the compiler vectorize without
  // -ffast-math and shorten the dependency chain.
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

float NormalizeL2(std::span<float> v) {
  double sum = 0;
  for (float x : v) sum += static_cast<double>(x) * x;
  double norm = std::sqrt(sum);
  if (norm > 0) {
    float inv = static_cast<float>(1.0 / norm);
    for (float& x : v) x *= inv;
  }
  return static_cast<float>(norm);
}

bool AllFinite(std::span<const float> v) {
  for (float x : v) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

}  // namespace quarry::vector
