#include "cache/value_codec.h"

#include <zstd.h>

#include <cmath>
#include <cstring>

#include "base/hash.h"
#include "storage/coding.h"

namespace quarry::cache {
namespace {

constexpr std::string_view kMagic{"QCV1", 4};
// Version 2 added each hit's page, importance and semantic_density; values of
// version 1 are misses.
constexpr uint32_t kVersion = 2;
constexpr uint32_t kKindSearchResponse = 1;
constexpr uint32_t kKindEmbedding = 2;
constexpr uint32_t kFlagZstd = 1;
constexpr uint64_t kChecksumSeed = 0x51434331;  // "QCC1"
constexpr int kZstdLevel = 1;  // fast: values are small and written on the search path

Status Corrupt(const std::string& what) { return Status::Corruption("cache value: " + what); }

void PutF64(storage::Encoder& e, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  e.PutU64(bits);
}
bool GetF64(storage::Decoder& d, double* v) {
  uint64_t bits = 0;
  if (!d.GetU64(&bits)) return false;
  std::memcpy(v, &bits, sizeof bits);
  return true;
}

}  // namespace

namespace internal {

// Header: magic, version | kind << 8 | flags << 16, key hash, raw size,
// stored size, checksum of the stored payload. 32 bytes.
std::string WrapPayload(uint32_t kind, std::string_view key, std::string raw,
                        size_t compress_above) {
  uint32_t flags = 0;
  std::string stored;
  if (raw.size() > compress_above) {
    stored.resize(ZSTD_compressBound(raw.size()));
    const size_t n = ZSTD_compress(stored.data(), stored.size(), raw.data(), raw.size(), kZstdLevel);
    if (!ZSTD_isError(n) && n < raw.size()) {
      stored.resize(n);
      flags |= kFlagZstd;
    }
  }
  if ((flags & kFlagZstd) == 0) stored = raw;
  storage::Encoder e;
  e.buffer().append(kMagic);
  e.PutU32(kVersion | kind << 8 | flags << 16);
  e.PutU64(Hash64(key));
  e.PutU32(static_cast<uint32_t>(raw.size()));
  e.PutU32(static_cast<uint32_t>(stored.size()));
  e.PutU64(Hash64(stored, kChecksumSeed));
  e.buffer() += stored;
  return std::move(e.buffer());
}

}  // namespace internal

namespace {

Result<std::string> Unwrap(std::string_view bytes, uint32_t kind, std::string_view key) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic) {
    return Corrupt("bad magic");
  }
  storage::Decoder d(bytes.substr(kMagic.size()));
  uint32_t word = 0, raw_size = 0, stored_size = 0;
  uint64_t key_hash = 0, checksum = 0;
  d.GetU32(&word);
  d.GetU64(&key_hash);
  d.GetU32(&raw_size);
  d.GetU32(&stored_size);
  d.GetU64(&checksum);
  if (!d.ok()) return Corrupt("truncated header");
  if ((word & 0xff) != kVersion) return Corrupt("version " + std::to_string(word & 0xff));
  if ((word >> 8 & 0xff) != kind) return Corrupt("value of another kind");
  const uint32_t flags = word >> 16;
  if ((flags & ~kFlagZstd) != 0) return Corrupt("unknown flags");
  if (key_hash != Hash64(key)) return Corrupt("written for another key");
  if (raw_size > kMaxDecodedValueBytes) return Corrupt("declared size too large");
  if (stored_size != d.remaining()) return Corrupt("payload length mismatch");
  const std::string_view stored = bytes.substr(bytes.size() - stored_size);
  if (Hash64(stored, kChecksumSeed) != checksum) return Corrupt("checksum mismatch");
  if ((flags & kFlagZstd) == 0) {
    if (stored_size != raw_size) return Corrupt("raw size mismatch");
    return std::string(stored);
  }
  const unsigned long long frame = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (frame != raw_size) return Corrupt("compressed frame size mismatch");
  std::string raw(raw_size, '\0');
  const size_t n = ZSTD_decompress(raw.data(), raw.size(), stored.data(), stored.size());
  if (ZSTD_isError(n) || n != raw_size) return Corrupt("bad compressed payload");
  return raw;
}

void PutExplanation(storage::Encoder& e, const std::optional<RetrieverExplanation>& x) {
  e.PutU32(x ? 1 : 0);
  if (!x) return;
  e.PutU32(x->rank);
  PutF64(e, x->score);
  PutF64(e, x->normalized);
  PutF64(e, x->contribution);
  PutF64(e, x->share);
}

bool GetExplanation(storage::Decoder& d, std::optional<RetrieverExplanation>* out) {
  uint32_t present = 0;
  if (!d.GetU32(&present) || present > 1) return false;
  if (present == 0) return true;
  RetrieverExplanation x;
  d.GetU32(&x.rank);
  GetF64(d, &x.score);
  GetF64(d, &x.normalized);
  GetF64(d, &x.contribution);
  GetF64(d, &x.share);
  *out = x;
  return d.ok();
}

}  // namespace

std::string EncodeSearchResponse(const SearchResponse& r, std::string_view key,
                                 size_t compress_above) {
  storage::Encoder e;
  e.PutU32(static_cast<uint32_t>(r.mode));
  e.PutU64(r.generation);
  e.PutString(r.state_digest);
  e.PutU32(static_cast<uint32_t>(r.hits.size()));
  for (const SearchHit& h : r.hits) {
    e.PutString(h.document_id);
    e.PutU32(h.chunk);
    PutF64(e, h.score);
    e.PutString(h.text);
    e.PutString(h.title);
    e.PutString(h.heading);
    e.PutU32(h.page);
    e.PutU32(h.start);
    e.PutU32(h.end);
    e.PutString(h.snippet);
    e.PutU32(h.matching_chunks);
    PutF64(e, h.importance);
    PutF64(e, h.semantic_density);
    e.PutU32(h.explanation ? 1 : 0);
    if (h.explanation) {
      PutExplanation(e, h.explanation->keyword);
      PutExplanation(e, h.explanation->vector);
    }
  }
  return internal::WrapPayload(kKindSearchResponse, key, std::move(e.buffer()), compress_above);
}

Result<SearchResponse> DecodeSearchResponse(std::string_view bytes, std::string_view key) {
  QUARRY_ASSIGN_OR_RETURN(std::string raw, Unwrap(bytes, kKindSearchResponse, key));
  storage::Decoder d(raw);
  SearchResponse r;
  uint32_t mode = 0, count = 0;
  d.GetU32(&mode);
  d.GetU64(&r.generation);
  d.GetString(&r.state_digest, 64);
  d.GetU32(&count);
  if (!d.ok()) return Corrupt("truncated response header");
  if (mode > static_cast<uint32_t>(SearchMode::kHybrid)) return Corrupt("unknown mode");
  r.mode = static_cast<SearchMode>(mode);
  if (count > kMaxK) return Corrupt("too many hits");
  r.hits.resize(count);
  for (SearchHit& h : r.hits) {
    uint32_t explained = 0;
    d.GetString(&h.document_id);
    d.GetU32(&h.chunk);
    GetF64(d, &h.score);
    d.GetString(&h.text);
    d.GetString(&h.title);
    d.GetString(&h.heading);
    d.GetU32(&h.page);
    d.GetU32(&h.start);
    d.GetU32(&h.end);
    d.GetString(&h.snippet);
    d.GetU32(&h.matching_chunks);
    GetF64(d, &h.importance);
    GetF64(d, &h.semantic_density);
    d.GetU32(&explained);
    if (!d.ok()) return Corrupt("truncated hit");
    if (!std::isfinite(h.score) || h.start > h.end) return Corrupt("impossible hit fields");
    // Written as values in [0, 1]; the negated test also refuses NaN.
    if (!(h.importance >= 0 && h.importance <= 1) ||
        !(h.semantic_density >= 0 && h.semantic_density <= 1)) {
      return Corrupt("chunk score outside [0, 1]");
    }
    if (explained > 1) return Corrupt("bad explanation flag");
    if (explained == 1) {
      h.explanation.emplace();
      if (!GetExplanation(d, &h.explanation->keyword) ||
          !GetExplanation(d, &h.explanation->vector)) {
        return Corrupt("bad explanation");
      }
    }
  }
  if (d.remaining() != 0) return Corrupt("bytes after the last hit");
  return r;
}

std::string EncodeEmbedding(const std::vector<float>& vector, std::string_view key,
                            size_t compress_above) {
  storage::Encoder e;
  e.PutU32(static_cast<uint32_t>(vector.size()));
  e.PutFloats(vector);
  return internal::WrapPayload(kKindEmbedding, key, std::move(e.buffer()), compress_above);
}

Result<std::vector<float>> DecodeEmbedding(std::string_view bytes, std::string_view key) {
  QUARRY_ASSIGN_OR_RETURN(std::string raw, Unwrap(bytes, kKindEmbedding, key));
  storage::Decoder d(raw);
  uint32_t dims = 0;
  if (!d.GetU32(&dims) || dims == 0 || d.remaining() != size_t{dims} * sizeof(float)) {
    return Corrupt("bad embedding length");
  }
  std::vector<float> v(dims);
  d.GetFloats(v);
  for (float x : v) {
    if (!std::isfinite(x)) return Corrupt("non-finite embedding value");
  }
  return v;
}

}  // namespace quarry::cache
