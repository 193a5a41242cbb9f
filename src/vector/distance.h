// Helpers over float32 vectors: normalization and finiteness. Distance
// kernels live in kernels/ (one table per instruction set).
//
// Thread-safety: pure functions.
#ifndef QUARRY_VECTOR_DISTANCE_H_
#define QUARRY_VECTOR_DISTANCE_H_

#include <cstddef>
#include <span>

namespace quarry::vector {

// Scales `v` to unit L2 norm. A zero vector stays zero. Returns the original norm.
float NormalizeL2(std::span<float> v);

// True if every value is finite (no NaN or infinity).
bool AllFinite(std::span<const float> v);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_DISTANCE_H_
