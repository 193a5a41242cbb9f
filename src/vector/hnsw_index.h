// HnswIndex: approximate nearest neighbours on a hierarchical navigable small
// world graph, with optional int8 or binary quantization of the vectors the
// graph is walked with, and rescoring of the best candidates with full
// precision.
//
// The pieces are separate (faiss's split of HNSW links from storage):
//   hnsw_graph.*        links only (levels, neighbour lists, entry point)
//   vector storage      full-precision rows (RAM, or memory-mapped from disk)
//   quantization.h      int8 / binary codes, kept resident (always_ram)
//   kernels/            distance functions chosen once per index
// Below `full_scan_threshold` live rows, and when a filter is selective, the
// search is an exact scan, which is both faster and exact there.
//
// Thread-safety: Search() may run concurrently with other Search() calls and
// with Add()/Remove() (concurrent inserts are safe under per-node locks;
// searches see a consistent graph). AddBatch() and Save() need exclusive
// access; Open() builds a new index. Files go through a caller's Env.
#ifndef QUARRY_VECTOR_HNSW_INDEX_H_
#define QUARRY_VECTOR_HNSW_INDEX_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "base/env.h"
#include "vector/quantization.h"
#include "vector/vector_index.h"

namespace quarry::vector {

enum class DistanceKind {
  kCosine,  // vectors normalized on insert; similarity = dot product
  kDot,     // maximum inner product
  kL2,      // similarity = -squared Euclidean distance
};

// What an opened index maps (the kernel pages it, from the page cache) or
// reads into its own memory (copied once at open; the mapping is dropped).
struct HnswOpenOptions {
  bool map_vectors = true;  // on_disk_vectors
  bool map_graph = true;    // on_disk_graph
  bool map_codes = true;    // !always_ram
};

struct HnswConfig {
  DistanceKind distance = DistanceKind::kCosine;
  // Neighbours per node on upper levels; 2*m on level 0. More: better recall
  // and robustness on hard data, more memory and slower inserts.
  uint32_t m = 32;
  uint32_t ef_construct = 128;
  uint32_t ef_search = 64;  // default search-time ef, overridable per call
  // Below this many live rows, searches are exact scans.
  uint32_t full_scan_threshold = 10000;
  Quantization quantization = Quantization::kNone;
  float quantile = 0.99f;  // int8: fraction of values kept inside the clip range
  bool rescore = true;
  float oversampling = 0;  // 0 = 2 for int8, 4 for binary, 1 for none
  // A filter allowing at most this fraction of rows is answered by an exact
  // scan over the allowed rows (after estimating its cardinality).
  double exact_filter_selectivity = 0.02;
  uint32_t build_threads = 0;  // 0 = one per core
  uint64_t seed = 0x5eed;
};

// Checks ranges: m in [2, 128], ef_construct >= m, ef_search >= 1,
// quantile in (0.5, 1], oversampling 0 or in [1, 64].
Status ValidateHnswConfig(const HnswConfig& config);

// The roadmap's rule for Quantization "auto": float32 below
// `int8_above` rows, int8 up to `binary_above`, binary beyond.
Quantization ChooseQuantization(size_t rows, size_t int8_above = 100000,
                                size_t binary_above = 1000000);

class HnswIndex;

// How HnswIndex::BuildFile runs.
struct HnswBuildOptions {
  // Setting *cancel stops the build within a batch or a row's insert, with
  // Unavailable; the graph file is then not written. May be null.
  const std::atomic<bool>* cancel = nullptr;
  // An index whose `seed_rows` rows (all of them) are the build's first
  // rows, in the same order: the caller's promise (a merge puts its largest
  // input first). Its graph is copied (levels, whole neighbour lists, entry
  // point) and only the rows after it are inserted, as an AddBatch of them
  // to the seed would insert them (Lucene's merges start from their largest
  // segment's graph the same way). Used only where it applies: a linked
  // build (rows >= full_scan_threshold); a linked seed with exactly
  // `seed_rows` rows, none removed, no more than the build's; the same
  // dimensions, m and distance. Otherwise every row is linked. May be null.
  const HnswIndex* seed = nullptr;
  uint32_t seed_rows = 0;
  // Set, when not null, to the rows whose links came from the seed (0 when
  // it was not used).
  uint32_t* seeded_rows = nullptr;
};

// Fills `out` (a whole number of rows) with rows [first, first + n) of a
// build: what HnswIndex::BuildFile reads its vectors from, a batch at a time.
using RowSource = std::function<Status(size_t first, std::span<float> out)>;

class HnswIndex final : public VectorIndex {
 public:
  static Result<std::unique_ptr<HnswIndex>> Create(uint32_t dimensions, const HnswConfig& config);
  ~HnswIndex() override;

  uint32_t dimensions() const override;
  size_t live_count() const override;
  Status Add(RowId row, std::span<const float> vector) override;
  Status Remove(RowId row) override;
  Status GetVector(RowId row, std::span<float> out) const override;
  // The stored full-precision row, even when it was removed (a tombstone
  // keeps its row until a rebuild): for a rebuild that decided which rows to
  // keep before a delete arrived and carries that delete over afterwards.
  Status GetStoredVector(RowId row, std::span<float> out) const;
  Result<std::vector<Neighbor>> Search(std::span<const float> query,
                                       const SearchParams& params) const override;

  // Adds rows [first, first + n) from `vectors` (n * dimensions floats), in
  // parallel on config.build_threads threads. Trains the quantizer first if it
  // is not trained yet. REQUIRES: first == the next row id.
  Status AddBatch(RowId first, std::span<const float> vectors);

  // Writes the index into `dir` through `env` (vectors, codes, graph: one
  // file each, with magic, version and CRC-32C; see docs/format/). Each
  // file is replaced crash-safely; `dir` and its parents are created if
  // missing. REQUIRES: no concurrent writer. `env` must outlive the call.
  Status Save(Env& env, const std::string& dir) const;
  // Writes into `dir` the index that Create + AddBatch(0, rows) + Save would,
  // but for the graph when rows < config.full_scan_threshold: every search of
  // such an index is an exact scan, so its nodes are left unlinked (format
  // version 4). It never holds the full-precision vectors in memory: `source` is
  // read a batch at a time straight into vectors.f32, and the graph is built
  // over that file, mapped (its pages belong to the kernel's page cache and
  // can be dropped under pressure, unlike the index's own rows). What the
  // build holds is the graph, the codes and one batch. The quantizer trains
  // on a sample of all `rows`. Open() the directory to search it. See
  // HnswBuildOptions for cancelling and for starting from a seed's graph.
  static Status BuildFile(Env& env, const std::string& dir, uint32_t dimensions,
                          const HnswConfig& config, size_t rows, const RowSource& source,
                          const HnswBuildOptions& options = {});
  // Opens an index saved by Save() or BuildFile() (format version 4, or 3, 2 or 1: see
  // docs/format/hnsw-index.md) through `env`. Full-precision vectors are
  // memory-mapped (paged by the kernel) when `map_vectors`, else read into
  // RAM; codes and graph are verified (checksums, bounds of every neighbour
  // id) before use. Mapped version-3 vectors of a quantized index are
  // verified per block on first read: Search, GetVector and Save then
  // return Corruption for a damaged block. The index owns its mappings;
  // `env` need not outlive it.
  static Result<std::unique_ptr<HnswIndex>> Open(Env& env, const std::string& dir,
                                                 bool map_vectors);
  // The same, with the graph and the codes mapped or read into RAM too.
  static Result<std::unique_ptr<HnswIndex>> Open(Env& env, const std::string& dir,
                                                 const HnswOpenOptions& options);

  // Bytes that must stay resident to search: graph + quantized codes and the
  // quantizer's parameters (or the float vectors when there is no
  // quantization).
  size_t ResidentBytes() const;
  // Bytes of full-precision vectors (resident or mapped).
  size_t VectorBytes() const;
  const HnswConfig& config() const;
  const char* kernel_name() const;

 private:
  struct Impl;
  explicit HnswIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_INDEX_H_
