// Exact distances for the benchmark's own use: ground truth, recall checks and
// the flat baseline. Deliberately independent of Quarry's kernels (src/vector),
// so that the yardstick is not the thing being measured.
//
// Every distance here is "smaller is closer": squared Euclidean distance for
// L2 data, the negated dot product for inner-product (normalized, cosine) data.
//
// Thread-safety: pure functions.
#ifndef QUARRY_BENCH_ANN_EXACT_DISTANCE_H_
#define QUARRY_BENCH_ANN_EXACT_DISTANCE_H_

#include <cstddef>
#include <string_view>

namespace quarry::bench {

enum class Metric { kL2, kInnerProduct };

std::string_view MetricName(Metric m);

// Squared Euclidean distance, or minus the dot product.
float ExactDistance(Metric m, const float* a, const float* b, size_t n);

// out[i] = ExactDistance(m, q, rows + i * n, n) for i in [0, count).
void ExactDistances(Metric m, const float* q, const float* rows, size_t count, size_t n,
                    float* out);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_EXACT_DISTANCE_H_
