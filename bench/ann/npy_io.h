// A minimal reader for NumPy .npy files holding a 2-D little-endian float32
// array in C order ('<f4', fortran_order False), which is what the shared
// reference embeddings are. Anything else is refused with a precise message.
//
// Thread-safety: a free function; no shared state.
#ifndef QUARRY_BENCH_ANN_NPY_IO_H_
#define QUARRY_BENCH_ANN_NPY_IO_H_

#include <string>

#include "quarry/status.h"
#include "vecs_io.h"

namespace quarry::bench {

Result<FloatMatrix> ReadNpyFloat32Matrix(const std::string& path);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_NPY_IO_H_
