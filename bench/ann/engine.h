// The interface every benchmarked index implements, so that Quarry and its
// peers are built, configured and searched by the same harness code.
//
// Implementations: engine_quarry.cc (f32, int8 + rescoring, binary +
// rescoring), engine_scan.cc (exact scans over Quarry's codes),
// engine_hnswlib.cc, engine_faiss.cc (IndexHNSWFlat, IndexHNSWSQ 8-bit) and
// engine_flat.cc (exact scan, the baseline). engine_registry.h makes them by
// name.
//
// Thread-safety: Build(), Configure() and SetFilter() need exclusive access.
// After them, SearchBatch() may be called from several threads at once.
#ifndef QUARRY_BENCH_ANN_ENGINE_H_
#define QUARRY_BENCH_ANN_ENGINE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "exact_distance.h"
#include "quarry/status.h"
#include "vecs_io.h"

namespace quarry::bench {

struct BuildConfig {
  Metric metric = Metric::kL2;
  size_t m = 32;  // links per node on upper levels; 2*m on level 0 (every engine here)
  size_t ef_construction = 128;
  size_t threads = 1;
  uint64_t seed = 42;
};

// One point of a sweep. oversampling is 0 when the engine has no such knob
// (or should use its own default).
struct SearchSetting {
  uint32_t ef = 64;
  float oversampling = 0;
};

struct IndexMemory {
  // What the index itself reports (or what its data structures add up to):
  // graph + the vectors or codes the graph is searched with.
  size_t index_bytes = 0;
  // Full-precision vectors kept for rescoring, beyond index_bytes (Quarry with
  // quantization); 0 when there are none or they are part of index_bytes.
  size_t rescore_vector_bytes = 0;
  std::string how;  // how index_bytes was obtained
};

class Engine {
 public:
  virtual ~Engine() = default;

  virtual std::string name() const = 0;
  // Free-form facts worth printing with the results (kernel, quantizer).
  virtual std::string details() const { return ""; }

  // Indexes every row of `base` with row id = row number.
  virtual Status Build(const FloatMatrix& base, const BuildConfig& config) = 0;
  virtual IndexMemory Memory() const = 0;

  // Whether ef (and oversampling) change anything; the exact baseline has neither.
  virtual bool uses_ef() const { return true; }
  virtual bool uses_oversampling() const { return false; }
  virtual Status Configure(const SearchSetting& setting) = 0;

  // Restricts results to `allowed` (increasing row ids), or lifts the
  // restriction when null. Engines without filtering return NotSupported.
  virtual bool supports_filter() const { return false; }
  virtual Status SetFilter(const std::vector<uint32_t>* allowed, size_t rows) {
    (void)allowed;
    (void)rows;
    return Status::NotSupported(name() + " has no filtered search");
  }

  // Writes the k nearest row ids of each of `count` queries (row-major,
  // `dims` floats each) into ids[q * k ...], nearest first; missing results
  // are UINT32_MAX. Called per thread with that thread's share of the queries.
  virtual Status SearchBatch(const float* queries, size_t count, size_t dims, size_t k,
                             uint32_t* ids) const = 0;
};

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_ENGINE_H_
