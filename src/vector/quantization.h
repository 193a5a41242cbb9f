// Quantization: which compact codes an index walks its graph with.
//
//   none    full-precision vectors only;
//   int8    one byte per dimension (scalar_quantizer.h), rescored by default;
//   binary  one bit per dimension (binary_quantizer.h), always with
//           oversampling and rescoring.
// The quantizers are separate from the graph (hnsw_index.h) and from each
// other; this header only names them.
//
// Thread-safety: constants and a pure function.
#ifndef QUARRY_VECTOR_QUANTIZATION_H_
#define QUARRY_VECTOR_QUANTIZATION_H_

#include <string_view>

namespace quarry::vector {

enum class Quantization { kNone, kInt8, kBinary };

std::string_view QuantizationName(Quantization q);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_QUANTIZATION_H_
