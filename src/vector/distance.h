// Distance kernels over float32 vectors.
//
// The scalar versions here are the reference that every SIMD path is tested
// against (SIMD kernels come with the vector-engine work, in kernels/).
//
// Thread-safety: pure functions.
#ifndef QUARRY_VECTOR_DISTANCE_H_
#define QUARRY_VECTOR_DISTANCE_H_

#include <cstddef>
#include <span>

namespace quarry::vector {

float DotProduct(const float* a, const float* b, size_t n);

// Scales `v` to unit L2 norm. A zero vector stays zero. Returns the original norm.
float NormalizeL2(std::span<float> v);

// True if every value is finite (no NaN or infinity).
bool AllFinite(std::span<const float> v);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_DISTANCE_H_
