// The state digest of a collection: a name for "what the collection holds
// now" that caches can key on.
//
// The generation alone is not enough: a collection dropped and created again,
// or restored from a snapshot, counts generations again from a lower number
// with other content. The digest is a chain of hashes: it starts from the
// collection's config and embedder, and each acknowledged write moves it to
// XXH3-128(previous digest, the write's log record). Two collections that went
// through the same writes in the same order from the same config (replicas)
// have the same digest, so a shared cache serves both; any other history gives
// another digest. It is stored in the MANIFEST at the LSN it covers and
// recomputed from the log on recovery. docs/design/cache.md has the details.
//
// Thread-safety: pure functions, except RandomStateDigest.
#ifndef QUARRY_ENGINE_STATE_DIGEST_H_
#define QUARRY_ENGINE_STATE_DIGEST_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace quarry::engine {

// The digest of an empty collection with this config and embedder.
std::string InitialStateDigest(std::string_view config_json, std::string_view embedder_fingerprint,
                               uint32_t dimensions);

// The digest after applying the log record `record` to a collection at `previous`.
std::string NextStateDigest(std::string_view previous, std::string_view record);

// For a collection whose MANIFEST predates digests (version 1): a random
// digest, so that its cache entries can never be confused with any other
// collection's. It is written in the next MANIFEST.
std::string RandomStateDigest();

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_STATE_DIGEST_H_
