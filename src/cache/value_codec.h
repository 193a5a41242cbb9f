// The bytes of a cached value in the L2 (Redis), docs/format/cache-value.md.
//
// An L2 is shared and outside our control: its values may be truncated,
// overwritten by another program, written by another Quarry version, or moved
// under another key. So every value carries magic, a version, the kind, a
// hash of the key it was written for and a checksum of its payload, and the
// decoder treats the bytes as hostile (every length bounded, every count
// checked). Payloads above a threshold are zstd-compressed.
//
// Thread-safety: pure functions.
#ifndef QUARRY_CACHE_VALUE_CODEC_H_
#define QUARRY_CACHE_VALUE_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/search.h"
#include "quarry/status.h"

namespace quarry::cache {

inline constexpr size_t kDefaultCompressAboveBytes = 1024;
// No cached value decodes to more than this (a page of kMaxK hits with long
// texts is far below it).
inline constexpr size_t kMaxDecodedValueBytes = 64u << 20;

// The cached part of a search answer: hits, mode, generation and digest. Stage
// timings are not cached: they describe a computation the hit did not do.
std::string EncodeSearchResponse(const SearchResponse& response, std::string_view key,
                                 size_t compress_above = kDefaultCompressAboveBytes);
// Corruption for anything but a well-formed value written for `key`.
Result<SearchResponse> DecodeSearchResponse(std::string_view bytes, std::string_view key);

std::string EncodeEmbedding(const std::vector<float>& vector, std::string_view key,
                            size_t compress_above = kDefaultCompressAboveBytes);
Result<std::vector<float>> DecodeEmbedding(std::string_view bytes, std::string_view key);

namespace internal {
// The envelope alone around any payload bytes (kind 1 result, 2 embedding),
// so that the fuzz target reaches the payload decoders past the checksum.
std::string WrapPayload(uint32_t kind, std::string_view key, std::string raw,
                        size_t compress_above = kDefaultCompressAboveBytes);
}  // namespace internal

}  // namespace quarry::cache

#endif  // QUARRY_CACHE_VALUE_CODEC_H_
