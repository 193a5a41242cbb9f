#include "cache/cached_search.h"

#include "cache/cache_key.h"

namespace quarry::cache {

CachedSearch::CachedSearch(const CacheOptions& options)
    : cache_(options), popular_(options.popular_capacity) {}

std::string CachedSearch::EmbeddingKeyFor(const Collection& collection,
                                          const SearchRequest& request) const {
  // Keyword searches embed nothing; a caller's own vector needs no embedding.
  if (request.mode == SearchMode::kKeyword || !request.query_vector.empty()) return "";
  return QueryEmbeddingKey(cache_.options().key_prefix, collection.Info().embedder_fingerprint,
                           request.query);
}

Result<SearchRequest> CachedSearch::WithQueryVector(
    const Collection& collection, const SearchRequest& request, const std::string& embedding_key,
    std::shared_ptr<const std::vector<float>> known, CacheTier known_tier, Origin origin) {
  SearchRequest with = request;
  if (embedding_key.empty()) return with;
  const bool counted = origin == Origin::kRequest;
  if (known != nullptr) {
    if (counted) (known_tier == CacheTier::kL1 ? embedding_l1_ : embedding_l2_).fetch_add(1);
    with.query_vector = *known;
    return with;
  }
  QUARRY_ASSIGN_OR_RETURN(std::vector<float> vector, collection.EmbedQuery(request.query));
  if (counted) embedding_computed_.fetch_add(1);
  cache_.PutEmbedding(embedding_key, std::make_shared<const std::vector<float>>(vector));
  with.query_vector = std::move(vector);
  return with;
}

Result<CachedSearch::Answer> CachedSearch::Search(const Collection& collection,
                                                  const SearchRequest& request,
                                                  std::string_view body, Origin origin) {
  if (std::optional<Answer> hit = FromL1(collection, request, body, origin)) return *hit;
  return FromL2OrSearch(collection, request, origin);
}

std::optional<CachedSearch::Answer> CachedSearch::FromL1(const Collection& collection,
                                                         const SearchRequest& request,
                                                         std::string_view body, Origin origin) {
  if (!enabled()) return std::nullopt;
  const std::string identity = SearchIdentity({.collection = collection.name()}, request);
  if (origin == Origin::kRequest) popular_.Record(identity, collection.name(), request.query, body);
  TwoTierCache::ResultHit hit = cache_.GetResultL1(
      SearchResultKey(cache_.options().key_prefix, identity, collection.State().digest));
  if (hit.response == nullptr) return std::nullopt;
  if (origin == Origin::kRequest) l1_.fetch_add(1);
  return Answer{std::move(hit.response), CacheTier::kL1};
}

Result<CachedSearch::Answer> CachedSearch::FromL2OrSearch(const Collection& collection,
                                                          const SearchRequest& request,
                                                          Origin origin) {
  if (!enabled()) {
    QUARRY_ASSIGN_OR_RETURN(SearchResponse response, collection.Search(request));
    return Answer{std::make_shared<const SearchResponse>(std::move(response)), CacheTier::kMiss};
  }
  if (origin == Origin::kWarming) warmed_.fetch_add(1);
  const std::string identity = SearchIdentity({.collection = collection.name()}, request);
  const std::string& prefix = cache_.options().key_prefix;
  // The embedding a miss needs is asked for in the same L2 round trip,
  // unless L1 has it.
  const std::string embedding_key = EmbeddingKeyFor(collection, request);
  TwoTierCache::EmbeddingHit embedding;
  if (!embedding_key.empty()) embedding = cache_.GetEmbeddingL1(embedding_key);
  TwoTierCache::L2Lookup found =
      cache_.GetL2(SearchResultKey(prefix, identity, collection.State().digest),
                   embedding.vector != nullptr ? "" : embedding_key);
  if (found.response != nullptr) {
    if (origin == Origin::kRequest) l2_.fetch_add(1);
    return Answer{std::move(found.response), CacheTier::kL2};
  }
  if (found.embedding != nullptr) embedding = {std::move(found.embedding), CacheTier::kL2};
  if (origin == Origin::kRequest) miss_.fetch_add(1);
  QUARRY_ASSIGN_OR_RETURN(SearchRequest with_vector,
                          WithQueryVector(collection, request, embedding_key,
                                          std::move(embedding.vector), embedding.tier, origin));
  QUARRY_ASSIGN_OR_RETURN(SearchResponse response, collection.Search(with_vector));
  // Stored under the state the answer reflects: a write that landed since
  // State() was read must not have its old answer filed under its new state.
  auto shared = std::make_shared<const SearchResponse>(std::move(response));
  cache_.PutResult(SearchResultKey(prefix, identity, shared->state_digest), shared);
  return Answer{std::move(shared), CacheTier::kMiss};
}

RequestCounters CachedSearch::Counters() const {
  return RequestCounters{l1_.load(), l2_.load(), miss_.load(), embedding_l1_.load(),
                         embedding_l2_.load(), embedding_computed_.load(), warmed_.load()};
}

void CachedSearch::ResetCounters() {
  for (auto* c : {&l1_, &l2_, &miss_, &embedding_l1_, &embedding_l2_, &embedding_computed_,
                  &warmed_}) {
    c->store(0);
  }
}

}  // namespace quarry::cache
