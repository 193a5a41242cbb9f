#include "vector/distance.h"

#include <cmath>

namespace quarry::vector {

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
