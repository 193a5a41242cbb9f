// What the encoder could reach: the speed of its matrix-multiply library
// (embed::ParallelLinear on the library embed/gemm.h currently uses: oneDNN or
// OpenBLAS) on the model's own linear shapes, and the floating-point work a
// forward pass really does.
//
// Thread-safety: functions; the ceiling runs OpenBLAS with its process-wide
// thread count.
#ifndef QUARRY_BENCH_EMBED_GEMM_CEILING_H_
#define QUARRY_BENCH_EMBED_GEMM_CEILING_H_

#include <boost/json/object.hpp>
#include <cstdint>

#include "embed/bert_config.h"
#include "inputs.h"

namespace quarry::bench {

// sgemm GFLOP/s on the four linear shapes of one layer (QKV, attention
// output, feed-forward up and down) with `rows` rows, best of `reps`; and
// "ceiling_gflops": the four together (their FLOPs over the sum of their
// best times), the figure a float32 encoder is compared to; "library": which
// library ran them.
// The products run as the encoder runs them (embed::ParallelLinear on
// `threads` workers).
boost::json::object MeasureGemmCeiling(const embed::BertConfig& config, size_t rows, int reps,
                                       int threads);

// FLOPs (multiply and add counted apart) of encoding `ids`: the linear
// layers on every real token and attention (QK^T and PV) over each
// sequence's own tokens. Padding, element-wise work and embeddings are not
// counted, so achieved GFLOP/s is useful work only.
double ForwardFlops(const embed::BertConfig& config, const TokenIds& ids);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_EMBED_GEMM_CEILING_H_
