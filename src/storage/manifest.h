// The MANIFEST of a collection: its config, its sealed segments (with the
// documents deleted from each since it was sealed) and the LSN up to which the
// segments hold every write. Recovery opens it, maps the segments and
// replays the write-ahead log from last_lsn + 1.
//
// It is small and replaced whole and atomically (write MANIFEST.tmp, fsync,
// rename, fsync the directory) at every seal or merge; format in
// docs/format/manifest.md.
//
// Thread-safety: plain values and pure functions.
#ifndef QUARRY_STORAGE_MANIFEST_H_
#define QUARRY_STORAGE_MANIFEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "quarry/status.h"

namespace quarry::storage {

inline constexpr std::string_view kManifestMagic{"QRYMANIF", 8};
// 2 added state_digest; version 1 files are read with it empty.
inline constexpr uint32_t kManifestVersion = 2;
inline constexpr size_t kMaxStateDigestBytes = 64;
inline constexpr const char* kManifestFileName = "MANIFEST";
inline constexpr uint64_t kMaxManifestBytes = 1ull << 30;

struct SegmentEntry {
  uint64_t id = 0;  // directory segments/<id, 8+ digits>
  uint32_t rows = 0;
  uint32_t documents = 0;
  std::vector<uint32_t> deleted_documents;  // ordinals, sorted, unique, < documents
};

struct Manifest {
  std::string config_json;
  std::string embedder_fingerprint;
  uint32_t dimensions = 0;
  uint64_t generation = 0;  // the collection's generation at last_lsn
  uint64_t last_lsn = 0;    // every record <= last_lsn is in the segments
  uint64_t next_segment_id = 1;
  // What the collection's content is at last_lsn, as a chain of hashes of its
  // writes (engine/state_digest.h); empty in version 1 files.
  std::string state_digest;
  std::vector<SegmentEntry> segments;
};

std::string EncodeManifest(const Manifest& manifest);
// Verifies the envelope and every field (ids below next_segment_id and
// distinct, deleted rows sorted and in range). Corruption otherwise.
Result<Manifest> DecodeManifest(std::string_view bytes);

Status WriteManifest(Env& env, const std::string& collection_dir, const Manifest& manifest);
Result<Manifest> ReadManifest(Env& env, const std::string& collection_dir);

// The directory of a segment: <collection_dir>/segments/<id>.
std::string SegmentDirName(const std::string& collection_dir, uint64_t id);

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_MANIFEST_H_
