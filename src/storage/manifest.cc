#include "storage/manifest.h"

#include <cinttypes>
#include <cstdio>
#include <unordered_set>

#include "storage/checksummed_file.h"
#include "storage/coding.h"

namespace quarry::storage {
namespace {

Status Corrupt(const std::string& what) { return Status::Corruption("MANIFEST: " + what); }

}  // namespace

std::string EncodeManifest(const Manifest& m) {
  Encoder e;
  e.PutString(m.config_json);
  e.PutString(m.embedder_fingerprint);
  e.PutU32(m.dimensions);
  e.PutU64(m.generation);
  e.PutU64(m.last_lsn);
  e.PutU64(m.next_segment_id);
  e.PutString(m.state_digest);
  e.PutU32(static_cast<uint32_t>(m.segments.size()));
  for (const SegmentEntry& s : m.segments) {
    e.PutU64(s.id);
    e.PutU32(s.rows);
    e.PutU32(s.documents);
    e.PutU32(static_cast<uint32_t>(s.deleted_documents.size()));
    for (uint32_t row : s.deleted_documents) e.PutU32(row);
  }
  return EncodeChecksummedFile(kManifestMagic, kManifestVersion, e.buffer());
}

Result<Manifest> DecodeManifest(std::string_view bytes) {
  QUARRY_ASSIGN_OR_RETURN(ChecksummedBody file,
                          DecodeChecksummedFile(bytes, kManifestMagic, kManifestVersion, "MANIFEST"));
  Decoder d(file.body);
  Manifest m;
  uint32_t segment_count = 0;
  d.GetString(&m.config_json);
  d.GetString(&m.embedder_fingerprint);
  d.GetU32(&m.dimensions);
  d.GetU64(&m.generation);
  d.GetU64(&m.last_lsn);
  d.GetU64(&m.next_segment_id);
  if (file.version >= 2) d.GetString(&m.state_digest);
  d.GetU32(&segment_count);
  if (!d.ok()) return Corrupt("truncated header fields");
  if (m.state_digest.size() > kMaxStateDigestBytes) return Corrupt("state digest too long");
  if (m.dimensions == 0) return Corrupt("zero vector dimensions");
  constexpr size_t kMinSegmentBytes = 20;
  if (segment_count > d.remaining() / kMinSegmentBytes) return Corrupt("segment count out of range");
  std::unordered_set<uint64_t> ids;
  m.segments.resize(segment_count);
  for (SegmentEntry& s : m.segments) {
    uint32_t deleted = 0;
    d.GetU64(&s.id);
    d.GetU32(&s.rows);
    d.GetU32(&s.documents);
    d.GetU32(&deleted);
    if (!d.ok()) return Corrupt("truncated segment entry");
    if (s.id == 0 || s.id >= m.next_segment_id || !ids.insert(s.id).second) {
      return Corrupt("segment id " + std::to_string(s.id) + " is invalid or listed twice");
    }
    if (deleted > s.documents || deleted > d.remaining() / sizeof(uint32_t)) {
      return Corrupt("segment " + std::to_string(s.id) + " deleted-document count out of range");
    }
    s.deleted_documents.resize(deleted);
    for (size_t i = 0; i < deleted; ++i) {
      d.GetU32(&s.deleted_documents[i]);
      if (s.deleted_documents[i] >= s.documents || (i > 0 && s.deleted_documents[i] <= s.deleted_documents[i - 1])) {
        return Corrupt("segment " + std::to_string(s.id) + " deleted documents not sorted or in range");
      }
    }
  }
  if (!d.ok()) return Corrupt("truncated segment list");
  if (d.remaining() != 0) return Corrupt("unexpected bytes after the segment list");
  return m;
}

Status WriteManifest(Env& env, const std::string& collection_dir, const Manifest& manifest) {
  return WriteFileAtomically(env, collection_dir + "/" + kManifestFileName,
                             EncodeManifest(manifest));
}

Result<Manifest> ReadManifest(Env& env, const std::string& collection_dir) {
  const std::string path = collection_dir + "/" + kManifestFileName;
  QUARRY_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(env, path, kMaxManifestBytes));
  Result<Manifest> m = DecodeManifest(bytes);
  if (!m.ok()) return m.status().WithContext(path);
  return m;
}

std::string SegmentDirName(const std::string& collection_dir, uint64_t id) {
  char name[32];
  std::snprintf(name, sizeof name, "%08" PRIu64, id);
  return collection_dir + "/segments/" + name;
}

}  // namespace quarry::storage
