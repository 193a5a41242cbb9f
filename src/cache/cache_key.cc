#include "cache/cache_key.h"

#include <cstring>

#include "base/hash.h"

namespace quarry::cache {
namespace {

// A field added to SearchRequest changes its size on this platform: this
// assertion then fails until the new field is added to the identity below (or
// judged not to change answers) and the expected size updated.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(SearchRequest) == 240,
              "SearchRequest changed: add the new field to SearchIdentity");
#endif

class Encoder {
 public:
  void U64(uint64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void U32(uint32_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void F64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    U64(bits);
  }
  void Byte(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  // Length-prefixed, so that ("ab", "c") and ("a", "bc") differ.
  void Str(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string HashedKey(std::string_view prefix, char kind, std::string_view bytes) {
  std::string key(prefix);
  key.push_back(kind);
  key.push_back(':');
  key += ContentHashHex(bytes);
  return key;
}

}  // namespace

std::string SearchIdentity(const SearchScope& scope, const SearchRequest& request) {
  Encoder e;
  // Bumps when the encoding, or what a cached answer holds, changes, so that
  // old keys are never read and two versions sharing an L2 do not overwrite
  // each other's values (2: hits carry chunk scores, value version 2).
  e.Str("search/2");
  e.Str(scope.collection);
  e.Str(scope.access_scope);
  e.Str(request.query);
  e.U32(request.k);
  e.U32(request.offset);
  e.Byte(static_cast<uint8_t>(request.mode));
  e.Str(request.filter_json);
  e.Byte(static_cast<uint8_t>(request.group_by));
  e.Byte(request.fusion ? 1 + static_cast<uint8_t>(*request.fusion) : 0);
  e.F64(request.rrf_k);
  e.Byte(request.alpha ? 1 : 0);
  e.F64(request.alpha.value_or(0));
  e.U32(request.candidates);
  e.Byte(request.explain ? 1 : 0);
  e.Byte(request.highlight.enabled ? 1 : 0);
  e.U32(request.highlight.window_chars);
  e.Str(request.highlight.pre_tag);
  e.Str(request.highlight.post_tag);
  e.U32(request.ef);
  e.Byte(request.rescore ? 1 + (*request.rescore ? 1 : 0) : 0);
  e.F64(request.oversampling);
  e.Str(std::string_view(reinterpret_cast<const char*>(request.query_vector.data()),
                         request.query_vector.size() * sizeof(float)));
  return e.Take();
}

std::string SearchResultKey(std::string_view prefix, std::string_view identity,
                            std::string_view state_digest) {
  std::string bytes(identity);
  bytes += '\n';
  bytes += state_digest;
  return HashedKey(prefix, 'r', bytes);
}

std::string QueryEmbeddingKey(std::string_view prefix, std::string_view embedder_fingerprint,
                              std::string_view query) {
  Encoder e;
  e.Str("embedding/1");
  e.Str(embedder_fingerprint);
  e.Str(query);
  return HashedKey(prefix, 'e', e.Take());
}

}  // namespace quarry::cache
