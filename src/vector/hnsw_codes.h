// Layout of the per-row quantized codes an HNSW index walks its graph with.
//
//   int8:   [dims codes, zero-padded to a multiple of 4][i32 Σ codes][f32 ‖x‖²]
//           The sum is ScalarQuantizer::EstimateDot's correction term; the
//           squared norm of the stored vector turns an estimated dot product
//           into an estimated squared L2 distance. Keeping both inside the
//           record means one row fetch brings everything the score needs.
//   binary: ceil(dims / 64) u64 words of sign bits.
//
// This layout is also the body of the codes file (docs/format/hnsw-index.md).
//
// Thread-safety: pure functions over caller-owned memory.
#ifndef QUARRY_VECTOR_HNSW_CODES_H_
#define QUARRY_VECTOR_HNSW_CODES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "vector/quantization.h"

namespace quarry::vector {

inline size_t Int8CodeBytes(size_t dims) { return (dims + 3) & ~size_t{3}; }
inline size_t Int8Stride(size_t dims) { return Int8CodeBytes(dims) + 8; }
inline size_t BinaryStride(size_t dims) { return BinaryQuantizer::WordsFor(dims) * 8; }

inline size_t CodeStride(Quantization q, size_t dims) {
  switch (q) {
    case Quantization::kInt8:
      return Int8Stride(dims);
    case Quantization::kBinary:
      return BinaryStride(dims);
    case Quantization::kNone:
      break;
  }
  return 0;
}

// Squared L2 norm, accumulated in double so it does not depend on a kernel.
inline float SquaredNorm(std::span<const float> v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return static_cast<float>(s);
}

// Writes the code record of `v`. REQUIRES: `out` has CodeStride(q, dims)
// bytes, 4-byte aligned for int8 and 8-byte aligned for binary.
inline void EncodeRow(Quantization q, const ScalarQuantizer* scalar, std::span<const float> v,
                      uint8_t* out) {
  const size_t dims = v.size();
  if (q == Quantization::kInt8) {
    std::memset(out, 0, Int8Stride(dims));
    const int32_t sum = scalar->Encode(v, {reinterpret_cast<int8_t*>(out), dims});
    const float norm = SquaredNorm(v);
    std::memcpy(out + Int8CodeBytes(dims), &sum, 4);
    std::memcpy(out + Int8CodeBytes(dims) + 4, &norm, 4);
  } else if (q == Quantization::kBinary) {
    BinaryQuantizer::Encode(v, {reinterpret_cast<uint64_t*>(out), BinaryQuantizer::WordsFor(dims)});
  }
}

inline int32_t Int8Sum(const uint8_t* record, size_t dims) {
  int32_t s;
  std::memcpy(&s, record + Int8CodeBytes(dims), 4);
  return s;
}
inline float Int8Norm(const uint8_t* record, size_t dims) {
  float n;
  std::memcpy(&n, record + Int8CodeBytes(dims) + 4, 4);
  return n;
}

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_CODES_H_
