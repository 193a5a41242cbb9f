// Layout of the per-row quantized codes an HNSW index walks its graph with.
//
//   int8:   [dims codes, zero-padded to a multiple of 4][f32 row term]
//           The row term is the row's share of the score estimate
//           (ScalarQuantizer::Encode; it depends on the distance); keeping
//           it inside the record means one row fetch brings everything a
//           score needs. (Format version 1 stored Σ codes and ‖x‖² instead.)
//   binary: ceil(dims / 64) u64 words of bits (above the trained centre).
//
// This layout is also the record section of the codes file
// (docs/format/hnsw-index.md).
//
// Thread-safety: pure functions over caller-owned memory.
#ifndef QUARRY_VECTOR_HNSW_CODES_H_
#define QUARRY_VECTOR_HNSW_CODES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "vector/binary_quantizer.h"
#include "vector/quantization.h"
#include "vector/scalar_quantizer.h"

namespace quarry::vector {

inline size_t Int8CodeBytes(size_t dims) { return (dims + 3) & ~size_t{3}; }
inline size_t Int8Stride(size_t dims) { return Int8CodeBytes(dims) + 4; }
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

// Writes the int8 code record of `v`. REQUIRES: `out` has Int8Stride(dims)
// bytes, 4-byte aligned; scalar.dims() == v.size().
inline void EncodeInt8Row(const ScalarQuantizer& scalar, ScalarQuantizer::Target target,
                          std::span<const float> v, uint8_t* out) {
  const size_t dims = v.size();
  std::memset(out, 0, Int8Stride(dims));
  const float row_term = scalar.Encode(v, {reinterpret_cast<int8_t*>(out), dims}, target);
  std::memcpy(out + Int8CodeBytes(dims), &row_term, 4);
}

// Writes the binary code record of `v`. REQUIRES: `out` has
// BinaryStride(dims) bytes, 8-byte aligned; binary.dims() == v.size().
inline void EncodeBinaryRow(const BinaryQuantizer& binary, std::span<const float> v, uint8_t* out) {
  binary.Encode(v, {reinterpret_cast<uint64_t*>(out), BinaryQuantizer::WordsFor(v.size())});
}

inline float Int8RowTerm(const uint8_t* record, size_t dims) {
  float t;
  std::memcpy(&t, record + Int8CodeBytes(dims), 4);
  return t;
}

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_CODES_H_
