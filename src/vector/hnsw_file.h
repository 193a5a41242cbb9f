// Saving an HNSW index to a directory and opening it again (formats in
// hnsw_format.h and docs/format/hnsw-index.md).
//
// Open maps the files and verifies everything a search walks before the
// index is usable: magic, version, both CRCs, sizes, that the three files
// come from the same save, and every value a traversal trusts (levels, entry
// point, each list's count <= its capacity, each neighbour id < rows and
// living on that level). The rows of a version-3 vectors.f32 that is mapped
// under trained codes are checked block by block on first read instead
// (vector_blocks.h); a damaged block then fails the read or search.
// A file is untrusted input: any failure is a Corruption (or NotSupported
// for a newer version) naming the file and what is wrong, never a crash.
// Level-0 lists and codes are used in place from the mapping (no copy);
// float32 vectors are mapped too when `map_vectors`, else read into memory.
// Every file operation goes through the caller's Env (base/env.h), so tests
// can inject faults and power cuts.
//
// Thread-safety: Save needs the index quiescent (no writer); Open builds a
// fresh state. The Env must outlive the call (and, for Open, nothing else:
// mappings are owned by the state).
#ifndef QUARRY_VECTOR_HNSW_FILE_H_
#define QUARRY_VECTOR_HNSW_FILE_H_

#include <memory>
#include <string>

#include "base/env.h"
#include "quarry/status.h"
#include "vector/hnsw_state.h"

namespace quarry::vector {

// Writes the index into `dir` (created, with its parents, if missing). Each
// file is replaced atomically; the graph file goes last and records the
// other files' CRCs.
Status SaveHnsw(Env& env, const HnswState& state, const std::string& dir);

// The pieces of SaveHnsw, for a build that writes vectors.f32 before the
// graph exists (HnswIndex::BuildFile):
// Creates `dir` and any missing parent, syncing each parent it changes.
Status CreateIndexDir(Env& env, const std::string& dir);
// Streams vectors.f32 (version 3, or 4 beside an unlinked graph): rows
// appended in order, then Finish() writes the block table and header,
// commits the file and returns the body CRC the graph file records. Without
// Finish() the file is not created. Move-only.
class VectorsFileWriter {
 public:
  static Result<VectorsFileWriter> Create(Env& env, const std::string& path);
  VectorsFileWriter(VectorsFileWriter&&) noexcept;
  ~VectorsFileWriter();
  // Appends whole rows (or any split of them).
  Status Append(const uint8_t* rows, size_t bytes);
  // `version`: hnsw_format::VersionToWrite of the index's graph.
  Result<uint32_t> Finish(uint32_t dims, uint64_t rows, DistanceKind distance, uint32_t version);

 private:
  struct Impl;
  explicit VectorsFileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};
// Writes the codes (when quantized) and the graph of `state`, whose rows
// were written to vectors.f32 with body CRC `vectors_crc`.
Status SaveHnswCodesAndGraph(Env& env, const HnswState& state, const std::string& dir,
                             uint32_t vectors_crc);

Result<std::unique_ptr<HnswState>> OpenHnsw(Env& env, const std::string& dir,
                                            const HnswOpenOptions& options);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_FILE_H_
