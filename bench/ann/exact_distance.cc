#include "exact_distance.h"

namespace quarry::bench {
namespace {

// Sixteen independent partial sums: the compiler turns the inner loop into
// one AVX-512 (or two AVX2) lanes without needing -ffast-math, and
// target_clones picks the widest the CPU has at load time. No -march=native.
#define QUARRY_BENCH_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

QUARRY_BENCH_CLONES float Dot(const float* a, const float* b, size_t n) {
  float acc[16] = {};
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (size_t j = 0; j < 16; ++j) acc[j] += a[i + j] * b[i + j];
  }
  float s = 0;
  for (; i < n; ++i) s += a[i] * b[i];
  for (float v : acc) s += v;
  return s;
}

QUARRY_BENCH_CLONES float L2Sq(const float* a, const float* b, size_t n) {
  float acc[16] = {};
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (size_t j = 0; j < 16; ++j) {
      const float d = a[i + j] - b[i + j];
      acc[j] += d * d;
    }
  }
  float s = 0;
  for (; i < n; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  for (float v : acc) s += v;
  return s;
}

}  // namespace

std::string_view MetricName(Metric m) { return m == Metric::kL2 ? "L2" : "inner product"; }

float ExactDistance(Metric m, const float* a, const float* b, size_t n) {
  return m == Metric::kL2 ? L2Sq(a, b, n) : -Dot(a, b, n);
}

void ExactDistances(Metric m, const float* q, const float* rows, size_t count, size_t n,
                    float* out) {
  if (m == Metric::kL2) {
    for (size_t i = 0; i < count; ++i) out[i] = L2Sq(q, rows + i * n, n);
  } else {
    for (size_t i = 0; i < count; ++i) out[i] = -Dot(q, rows + i * n, n);
  }
}

}  // namespace quarry::bench
