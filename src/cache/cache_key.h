// Cache keys: what makes two searches the same question.
//
// A search result is keyed on the collection, its state digest (which every
// acknowledged write changes, so a key never reaches across a write, and
// which covers the embedder's fingerprint and the config), the
// access scope of the caller (so results never cross API-key scopes) and
// every field of the request that can change the answer. A query embedding is
// keyed on the fingerprint and the query text. Keys are a prefix (the
// deployment's namespace in a shared Redis) plus a kind letter and the
// 128-bit XXH3 of a canonical, length-prefixed encoding of those inputs: the
// key reveals nothing of the query, and no credential ever goes into one.
// docs/design/cache.md explains the choices.
//
// Thread-safety: pure functions.
#ifndef QUARRY_CACHE_CACHE_KEY_H_
#define QUARRY_CACHE_CACHE_KEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "quarry/search.h"

namespace quarry::cache {

inline constexpr std::string_view kDefaultKeyPrefix = "quarry:v1:";

// Who asks, about what. The embedder is not named here: the collection's
// state digest, which every result key holds, already covers it.
struct SearchScope {
  std::string collection;
  // The API-key scope of the caller. The server has no API keys yet, so every
  // caller is in scope "" today; the field is here so that adding them cannot
  // forget the cache.
  std::string access_scope;
};

// The canonical bytes of every answer-changing field of `request` and of
// `scope`, without the generation: two requests with equal identities get the
// same answer from the same state of the collection. The popularity sketch
// counts these.
std::string SearchIdentity(const SearchScope& scope, const SearchRequest& request);

// <prefix>r:<32 hex digits> for the result of `identity` when the collection
// is at `state_digest` (CollectionState::digest).
std::string SearchResultKey(std::string_view prefix, std::string_view identity,
                            std::string_view state_digest);

// <prefix>e:<32 hex digits> for the query embedding of `query` by the
// embedder with `fingerprint`.
std::string QueryEmbeddingKey(std::string_view prefix, std::string_view embedder_fingerprint,
                              std::string_view query);

}  // namespace quarry::cache

#endif  // QUARRY_CACHE_CACHE_KEY_H_
