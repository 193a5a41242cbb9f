// HnswState: everything an HnswIndex holds, shared by the files that
// implement it (hnsw_index.cc: API and validation; hnsw_insert.cc: inserts
// and parallel build; hnsw_search.cc: queries; hnsw_file.cc: Save/Open).
// HnswIndex::Impl wraps one of these; nothing outside src/vector/hnsw_*
// includes this header.
//
// Storage is split three ways (faiss's split of graph and storage):
//   vectors  full-precision rows, normalized for cosine (owned, or a view of
//            a mapped file when the index was opened with map_vectors; the
//            rows of a view may be verified lazily, see vector_blocks);
//   codes    int8 or binary code records (hnsw_codes.h), always in RAM;
//   graph    the links (hnsw_graph.h).
//
// Thread-safety (the locking scheme, docs/design/hnsw.md):
//   - Searches take no lock. They read `rows` (acquire) for exact scans and
//     the graph's entry point and links (acquire) for traversals; everything
//     they can reach was written before it was published.
//   - One writer at a time (`writer`): Add, AddBatch, Remove. Inside
//     AddBatch, worker threads insert nodes concurrently; each neighbour-list
//     write holds that node's LinkLocks stripe, and an insert that raises the
//     top level holds `entry_lock` for its whole insert (hnswlib's scheme).
//   - Storage grows in chunks that never move (segmented_rows.h), so growth
//     needs no lock against readers either.
//   - Save/Open need exclusive access (the caller's).
#ifndef QUARRY_VECTOR_HNSW_STATE_H_
#define QUARRY_VECTOR_HNSW_STATE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "base/mapped_file.h"
#include "vector/binary_quantizer.h"
#include "vector/hnsw_graph.h"
#include "vector/hnsw_index.h"
#include "vector/kernels/kernels.h"
#include "vector/link_locks.h"
#include "vector/pread_rows.h"
#include "vector/quantization.h"
#include "vector/scalar_quantizer.h"
#include "vector/search_scratch.h"
#include "vector/segmented_rows.h"
#include "vector/vector_blocks.h"

namespace quarry::vector {

// Row ids are u32 and kNoNode is reserved.
inline constexpr uint64_t kMaxHnswRows = uint64_t{kNoNode} - 1;

// Rows needed before a quantizer (int8 ranges, binary centre) is trained;
// until then the graph is walked with full-precision vectors.
inline constexpr size_t kMinTrainRows = 1000;
// Rows sampled (evenly spaced) to train a quantizer.
inline constexpr size_t kTrainSampleRows = 20000;

struct HnswState {
  HnswState(uint32_t dims, const HnswConfig& config);

  bool l2() const { return config.distance == DistanceKind::kL2; }
  bool quantized() const { return config.quantization != Quantization::kNone; }
  // Rows but no entry point: written unlinked by BuildFile under the
  // full-scan threshold (format version 4), searched only by exact scans,
  // and never to be linked into afterwards.
  bool unlinked() const {
    return rows.load(std::memory_order_acquire) > 0 && graph.entry().node == kNoNode;
  }
  // What int8 scores estimate for this index's distance.
  ScalarQuantizer::Target Int8Target() const {
    return l2() ? ScalarQuantizer::Target::kL2 : ScalarQuantizer::Target::kDot;
  }
  float DefaultOversampling() const;
  // Bytes of the trained quantizer's parameters (ranges or centre).
  size_t QuantizerBytes() const;
  const float* Vector(uint32_t row) const {
    return reinterpret_cast<const float*>(vectors.Row(row));
  }
  // Verifies the mapped bytes of rows [first, first + n) before a reader
  // uses them (no-op when every row was verified at open). Every reader of
  // `vectors` outside a float32 graph walk calls this first.
  Status CheckVectors(uint32_t first, uint32_t n) const {
    if (vector_blocks == nullptr) return Status::Ok();
    return vector_blocks->Check(uint64_t{first} * vectors.stride(), uint64_t{n} * vectors.stride());
  }
  Status CheckAllVectors() const {
    return vector_blocks == nullptr ? Status::Ok() : vector_blocks->CheckAll();
  }

  const uint32_t dims;
  const HnswConfig config;  // validated; oversampling still 0 = default
  const Kernels* kernels;

  SegmentedRows vectors;
  // Set by Open when `vectors` is a view of a version-3 file whose rows are
  // verified on first touch (quantized, trained index: searches walk the
  // codes and read only the rows they rescore); null when every row was
  // verified at open or is owned. Set before the state is shared.
  std::unique_ptr<VectorBlocks> vector_blocks;
  // Set with vector_blocks (and reset with it): rescoring copies the rows
  // it reads out of the file with pread instead of faulting them into the
  // mapping (pread_rows.h). Rows >= pread_rows->rows() are owned.
  std::unique_ptr<PreadRows> pread_rows;
  SegmentedRows codes;
  // The trained quantizer of `config.quantization` (int8: scalar, binary:
  // binary). Set once, before codes_ready; read only after codes_ready
  // (acquire).
  std::optional<ScalarQuantizer> scalar;
  std::optional<BinaryQuantizer> binary;
  std::atomic<bool> codes_ready{false};

  HnswGraph graph;
  std::atomic<uint32_t> rows{0};     // rows added (published after insertion)
  std::atomic<uint32_t> removed{0};  // rows tombstoned

  std::mutex writer;
  std::mutex entry_lock;
  LinkLocks link_locks;
  mutable ScratchPool scratch;
  // Files whose bytes the stores above view (kept until the index dies, even
  // after the stores copy them, since a search may still be reading them).
  std::vector<MappedFile> mappings;
};

// What an HnswIndex holds: here rather than in hnsw_index.cc so that
// BuildFile can read the graph of the index it is seeded with.
struct HnswIndex::Impl {
  std::unique_ptr<HnswState> state;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_STATE_H_
