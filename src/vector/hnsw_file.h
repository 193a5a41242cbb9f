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

Result<std::unique_ptr<HnswState>> OpenHnsw(Env& env, const std::string& dir, bool map_vectors);

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_FILE_H_
