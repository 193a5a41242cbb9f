// Spaces: how a graph traversal scores stored rows against one query.
//
//   F32Space     full-precision vectors: dot product, or -‖q - x‖² for L2.
//   Int8Space    int8 codes: the query's int8 weights (ScalarQuantizer::
//                EncodeQuery) dotted with the row code, scaled and shifted
//                by the query's terms, plus the row term stored in the
//                record: an estimate of the dot product or of -‖q - x‖².
//   BinarySpace  bits above the centre: (dims - 2·hamming) / dims, in [-1, 1].
// Every score is a similarity: higher is closer. Spaces are small values
// passed by template parameter so the traversal loop inlines Score() and
// Prefetch(); the distance kernels themselves come from the index's Kernels
// table, chosen once.
//
// Thread-safety: a space is an immutable view; any number may read at once.
#ifndef QUARRY_VECTOR_HNSW_SPACE_H_
#define QUARRY_VECTOR_HNSW_SPACE_H_

#include <cstddef>
#include <cstdint>

#include "vector/hnsw_codes.h"
#include "vector/kernels/kernels.h"
#include "vector/quantization.h"
#include "vector/segmented_rows.h"

namespace quarry::vector {

// Prefetches the first `lines` cache lines at `p` (hnswlib prefetches a
// neighbour's data while scoring the one before it; we do the same).
inline void PrefetchLines(const void* p, size_t lines) {
  const char* c = static_cast<const char*>(p);
  for (size_t i = 0; i < lines; ++i) __builtin_prefetch(c + 64 * i, 0, 3);
}

inline size_t PrefetchLinesFor(size_t stride) {
  const size_t lines = (stride + 63) / 64 + 1;  // +1: rows are not line-aligned
  return lines < 8 ? lines : 8;                 // beyond that the hardware streamer keeps up
}

// Exact similarity of two full-precision vectors.
inline float ExactScore(const Kernels& k, bool l2, const float* a, const float* b, size_t dims) {
  return l2 ? -k.l2sq_f32(a, b, dims) : k.dot_f32(a, b, dims);
}

struct F32Space {
  const SegmentedRows* rows;
  const Kernels* kernels;
  const float* query;
  uint32_t dims;
  bool l2;
  size_t lines;

  const float* Vector(uint32_t r) const { return reinterpret_cast<const float*>(rows->Row(r)); }
  float Score(uint32_t r) const { return ExactScore(*kernels, l2, query, Vector(r), dims); }
  // Similarity between two stored rows (neighbour selection while building).
  float Pair(uint32_t a, uint32_t b) const {
    return ExactScore(*kernels, l2, Vector(a), Vector(b), dims);
  }
  void Prefetch(uint32_t r) const { PrefetchLines(rows->Row(r), lines); }
  void PrefetchHead(uint32_t r) const { PrefetchLines(rows->Row(r), 1); }
};

// Scores queries only: with one range per dimension, a row-row estimate is
// Σ scale[i]² · a[i] · b[i], not an int8 dot product, so there is no Pair()
// and the graph is built with F32Space (docs/design/hnsw.md).
struct Int8Space {
  const SegmentedRows* codes;
  const Kernels* kernels;
  const int8_t* query_code;
  ScalarQuantizer::QueryCode query;  // turns a code dot product into a score
  uint32_t dims;
  size_t lines;

  float Score(uint32_t r) const {
    const uint8_t* rec = codes->Row(r);
    const int32_t dot = kernels->dot_i8(query_code, reinterpret_cast<const int8_t*>(rec), dims);
    return query.Estimate(dot, Int8RowTerm(rec, dims));
  }
  void Prefetch(uint32_t r) const { PrefetchLines(codes->Row(r), lines); }
  void PrefetchHead(uint32_t r) const { PrefetchLines(codes->Row(r), 1); }
};

struct BinarySpace {
  const SegmentedRows* codes;
  const Kernels* kernels;
  const uint64_t* query_bits;
  uint32_t dims;
  uint32_t words;
  float inv_dims;
  size_t lines;

  float FromHamming(uint32_t h) const {
    return BinaryQuantizer::EstimateSimilarity(h, dims) * inv_dims;
  }
  float Score(uint32_t r) const {
    return FromHamming(
        kernels->hamming(query_bits, reinterpret_cast<const uint64_t*>(codes->Row(r)), words));
  }
  float Pair(uint32_t a, uint32_t b) const {
    return FromHamming(kernels->hamming(reinterpret_cast<const uint64_t*>(codes->Row(a)),
                                        reinterpret_cast<const uint64_t*>(codes->Row(b)), words));
  }
  void Prefetch(uint32_t r) const { PrefetchLines(codes->Row(r), lines); }
  void PrefetchHead(uint32_t r) const { PrefetchLines(codes->Row(r), 1); }
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_SPACE_H_
