#include "cache/cached_search.h"

#include "cache/cache_key.h"

namespace quarry::cache {

CachedSearch::CachedSearch(const CacheOptions& options)
    : cache_(options), popular_(options.popular_capacity) {}

Result<SearchRequest> CachedSearch::WithQueryVector(const Collection& collection,
                                                    const SearchRequest& request, Origin origin) {
  SearchRequest with = request;
  if (request.mode == SearchMode::kKeyword || !request.query_vector.empty()) return with;
  const std::string fingerprint = collection.Info().embedder_fingerprint;
  const std::string key = QueryEmbeddingKey(cache_.options().key_prefix, fingerprint, request.query);
  TwoTierCache::EmbeddingHit hit = cache_.GetEmbedding(key);
  const bool counted = origin == Origin::kRequest;
  if (hit.vector != nullptr) {
    if (counted) (hit.tier == CacheTier::kL1 ? embedding_l1_ : embedding_l2_).fetch_add(1);
    with.query_vector = *hit.vector;
    return with;
  }
  QUARRY_ASSIGN_OR_RETURN(std::vector<float> vector, collection.EmbedQuery(request.query));
  if (counted) embedding_computed_.fetch_add(1);
  auto shared = std::make_shared<const std::vector<float>>(vector);
  cache_.PutEmbedding(key, std::move(shared));
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
  TwoTierCache::ResultHit hit =
      cache_.GetResultL2(SearchResultKey(prefix, identity, collection.State().digest));
  if (hit.response != nullptr) {
    if (origin == Origin::kRequest) l2_.fetch_add(1);
    return Answer{std::move(hit.response), CacheTier::kL2};
  }
  if (origin == Origin::kRequest) miss_.fetch_add(1);
  QUARRY_ASSIGN_OR_RETURN(SearchRequest with_vector, WithQueryVector(collection, request, origin));
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
