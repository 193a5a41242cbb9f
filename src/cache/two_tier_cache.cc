#include "cache/two_tier_cache.h"

#include <spdlog/spdlog.h>

#include "cache/value_codec.h"

namespace quarry::cache {

std::string_view CacheTierName(CacheTier tier) {
  switch (tier) {
    case CacheTier::kL1: return "l1";
    case CacheTier::kL2: return "l2";
    case CacheTier::kMiss: return "miss";
  }
  return "miss";
}

L2Counters TwoTierCache::AtomicL2Counters::Load() const {
  return L2Counters{hits.load(),  misses.load(), corrupt.load(),      errors.load(),
                    skipped.load(), writes.load(), write_errors.load(), write_skipped.load()};
}

void TwoTierCache::AtomicL2Counters::Reset() {
  for (auto* c : {&hits, &misses, &corrupt, &errors, &skipped, &writes, &write_errors,
                  &write_skipped}) {
    c->store(0);
  }
}

TwoTierCache::TwoTierCache(const CacheOptions& options)
    : options_(options),
      results_(options.enabled ? options.result_entries : 0,
               std::chrono::duration_cast<std::chrono::milliseconds>(options.result_ttl)),
      embeddings_(options.enabled ? options.embedding_entries : 0,
                  std::chrono::duration_cast<std::chrono::milliseconds>(options.embedding_ttl)),
      breaker_(options.breaker) {
  if (options.enabled && options.l2) l2_ = std::make_unique<RedisClient>(*options.l2);
}

void TwoTierCache::L2Set(const std::string& key, const std::string& value,
                         AtomicL2Counters& counters) {
  if (l2_ == nullptr) return;
  if (!breaker_.Allow()) {
    counters.write_skipped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Status s = l2_->Set(key, value, options_.l2_ttl_seconds);
  if (!s.ok()) {
    breaker_.RecordFailure();
    counters.write_errors.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("{}", s.message());
    return;
  }
  breaker_.RecordSuccess();
  counters.writes.fetch_add(1, std::memory_order_relaxed);
}

TwoTierCache::ResultHit TwoTierCache::GetResultL1(const std::string& key) {
  if (!options_.enabled) return {};
  if (auto hit = results_.Get(key)) return {std::move(hit), CacheTier::kL1};
  return {};
}

std::optional<std::vector<std::optional<std::string>>> TwoTierCache::L2MGet(
    const std::vector<std::string>& keys, AtomicL2Counters& counters) {
  if (l2_ == nullptr) return std::nullopt;
  if (!breaker_.Allow()) {
    counters.skipped.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  Result<std::vector<std::optional<std::string>>> values = l2_->MGet(keys);
  if (!values.ok()) {
    breaker_.RecordFailure();
    counters.errors.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("{}", values.status().message());
    return std::nullopt;
  }
  breaker_.RecordSuccess();
  return std::move(values).value();
}

std::shared_ptr<const SearchResponse> TwoTierCache::AcceptResult(
    const std::string& key, const std::optional<std::string>& bytes) {
  if (!bytes) return nullptr;
  Result<SearchResponse> decoded = DecodeSearchResponse(*bytes, key);
  if (!decoded.ok()) {
    l2_results_.corrupt.fetch_add(1, std::memory_order_relaxed);
    l2_results_.misses.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  l2_results_.hits.fetch_add(1, std::memory_order_relaxed);
  auto response = std::make_shared<const SearchResponse>(std::move(decoded).value());
  results_.Put(key, response);
  return response;
}

std::shared_ptr<const std::vector<float>> TwoTierCache::AcceptEmbedding(
    const std::string& key, const std::optional<std::string>& bytes) {
  if (!bytes) return nullptr;
  Result<std::vector<float>> decoded = DecodeEmbedding(*bytes, key);
  if (!decoded.ok()) {
    l2_embeddings_.corrupt.fetch_add(1, std::memory_order_relaxed);
    l2_embeddings_.misses.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  l2_embeddings_.hits.fetch_add(1, std::memory_order_relaxed);
  auto vector = std::make_shared<const std::vector<float>>(std::move(decoded).value());
  embeddings_.Put(key, vector);
  return vector;
}

TwoTierCache::L2Lookup TwoTierCache::GetL2(const std::string& result_key,
                                           const std::string& embedding_key) {
  if (!options_.enabled || l2_ == nullptr) return {};
  std::vector<std::string> keys{result_key};
  if (!embedding_key.empty()) keys.push_back(embedding_key);
  std::optional<std::vector<std::optional<std::string>>> values = L2MGet(keys, l2_results_);
  L2Lookup found;
  if (!values) return found;
  const std::optional<std::string>& result = (*values)[0];
  if (!result) l2_results_.misses.fetch_add(1, std::memory_order_relaxed);
  found.response = AcceptResult(result_key, result);
  if (found.response != nullptr || embedding_key.empty()) return found;
  const std::optional<std::string>& embedding = (*values)[1];
  if (!embedding) l2_embeddings_.misses.fetch_add(1, std::memory_order_relaxed);
  found.embedding = AcceptEmbedding(embedding_key, embedding);
  return found;
}

void TwoTierCache::WriteL2(std::function<void()> write) {
  if (l2_writer_) {
    l2_writer_(std::move(write));
  } else {
    write();
  }
}

void TwoTierCache::PutResult(const std::string& key,
                             std::shared_ptr<const SearchResponse> response) {
  if (!options_.enabled || response == nullptr) return;
  results_.Put(key, response);
  if (l2_ == nullptr) return;
  // Encoding (and compressing) goes with the write, off the answer's path.
  WriteL2([this, key, response = std::move(response)] {
    L2Set(key, EncodeSearchResponse(*response, key, options_.compress_above), l2_results_);
  });
}

TwoTierCache::EmbeddingHit TwoTierCache::GetEmbeddingL1(const std::string& key) {
  if (!options_.enabled) return {};
  if (auto hit = embeddings_.Get(key)) return {std::move(hit), CacheTier::kL1};
  return {};
}

void TwoTierCache::PutEmbedding(const std::string& key,
                                std::shared_ptr<const std::vector<float>> vector) {
  if (!options_.enabled || vector == nullptr) return;
  embeddings_.Put(key, vector);
  if (l2_ == nullptr) return;
  WriteL2([this, key, vector = std::move(vector)] {
    L2Set(key, EncodeEmbedding(*vector, key, options_.compress_above), l2_embeddings_);
  });
}

std::optional<std::string> TwoTierCache::GetRawL2(const std::string& key) {
  if (!options_.enabled) return std::nullopt;
  std::optional<std::vector<std::optional<std::string>>> values = L2MGet({key}, l2_raw_);
  if (!values) return std::nullopt;
  return std::move(values->front());
}

void TwoTierCache::PutRawL2(const std::string& key, const std::string& value) {
  if (options_.enabled) L2Set(key, value, l2_raw_);
}

CacheStats TwoTierCache::Stats() const {
  CacheStats s;
  s.l1_results = results_.Counters();
  s.l1_embeddings = embeddings_.Counters();
  s.l2_configured = l2_ != nullptr;
  if (l2_ != nullptr) s.l2_address = RedisAddress(l2_->options());
  s.l2_breaker = breaker_.state();
  s.l2_breaker_opened = breaker_.times_opened();
  s.l2_results = l2_results_.Load();
  s.l2_embeddings = l2_embeddings_.Load();
  return s;
}

Result<uint64_t> TwoTierCache::Clear() {
  results_.Clear();
  embeddings_.Clear();
  results_.ResetCounters();
  embeddings_.ResetCounters();
  for (AtomicL2Counters* c : {&l2_results_, &l2_embeddings_, &l2_raw_}) c->Reset();
  if (l2_ == nullptr) return uint64_t{0};
  return l2_->DeleteMatching(options_.key_prefix + "*");
}

}  // namespace quarry::cache
