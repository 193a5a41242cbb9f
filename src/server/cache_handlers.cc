// GET /api/cache/stats and POST /api/cache/clear.
//
// Both are admin routes: the stats list the popular queries. The server has
// no API keys yet (it binds to loopback by default); when they come, these
// routes take the admin key.
#include "server/handlers.h"

namespace quarry::server {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;

double Rate(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

json::object L1ToJson(const cache::LruCounters& c, std::chrono::seconds ttl) {
  json::object out;
  out["hits"] = c.hits;
  out["misses"] = c.misses;
  out["hit_rate"] = Rate(c.hits, c.hits + c.misses);
  out["entries"] = c.entries;
  out["capacity"] = c.capacity;
  out["ttl_s"] = ttl.count();
  out["inserts"] = c.inserts;
  out["evictions"] = c.evictions;
  out["expirations"] = c.expirations;
  return out;
}

json::object L2ToJson(const cache::L2Counters& c) {
  json::object out;
  out["hits"] = c.hits;
  out["misses"] = c.misses;
  out["hit_rate"] = Rate(c.hits, c.hits + c.misses);
  out["corrupt"] = c.corrupt;
  out["errors"] = c.errors;
  out["skipped"] = c.skipped;
  out["writes"] = c.writes;
  out["write_errors"] = c.write_errors;
  out["write_skipped"] = c.write_skipped;
  return out;
}

}  // namespace

HandlerReply GetCacheStats(RequestContext& context) {
  const cache::CachedSearch& cached = *context.search_cache;
  const cache::CacheOptions& options = cached.cache().options();
  const cache::RequestCounters r = cached.Counters();
  const cache::CacheStats s = cached.cache().Stats();

  json::object out;
  out["enabled"] = options.enabled;
  const uint64_t total = r.l1 + r.l2 + r.miss;
  json::object requests;
  requests["total"] = total;
  requests["l1"] = r.l1;
  requests["l2"] = r.l2;
  requests["miss"] = r.miss;
  requests["hit_rate"] = Rate(r.l1 + r.l2, total);
  requests["l1_hit_rate"] = Rate(r.l1, total);
  requests["l2_hit_rate"] = Rate(r.l2, total);
  out["searches"] = std::move(requests);
  json::object embeddings;
  embeddings["l1"] = r.embedding_l1;
  embeddings["l2"] = r.embedding_l2;
  embeddings["computed"] = r.embedding_computed;
  const uint64_t embedded = r.embedding_l1 + r.embedding_l2 + r.embedding_computed;
  embeddings["hit_rate"] = Rate(r.embedding_l1 + r.embedding_l2, embedded);
  out["query_embeddings"] = std::move(embeddings);

  json::object l1;
  l1["results"] = L1ToJson(s.l1_results, options.result_ttl);
  l1["embeddings"] = L1ToJson(s.l1_embeddings, options.embedding_ttl);
  out["l1"] = std::move(l1);
  json::object l2;
  l2["configured"] = s.l2_configured;
  if (s.l2_configured) {
    l2["address"] = s.l2_address;  // never the password
    l2["breaker"] = cache::BreakerStateName(s.l2_breaker);
    l2["breaker_opened"] = s.l2_breaker_opened;
    l2["ttl_s"] = options.l2_ttl_seconds;
    l2["results"] = L2ToJson(s.l2_results);
    l2["embeddings"] = L2ToJson(s.l2_embeddings);
  }
  out["l2"] = std::move(l2);

  json::object warming;
  warming["interval_s"] = options.warm_interval.count();
  warming["top"] = options.warm_top;
  warming["searches_run"] = r.warmed;
  out["warming"] = std::move(warming);
  json::array popular;
  for (const cache::PopularQuery& q : cached.popular().Top(options.warm_top)) {
    json::object p;
    p["collection"] = q.collection;
    p["query"] = q.query;
    p["count"] = q.count;
    p["count_error"] = q.error;
    popular.push_back(std::move(p));
  }
  out["popular"] = std::move(popular);
  return JsonResponse(http::status::ok, out);
}

HandlerReply PostCacheClear(RequestContext& context) {
  cache::CachedSearch* cached = context.search_cache;
  // Deleting from the L2 scans its keys: not for an IO thread.
  return CpuWork([cached]() -> ApiResponse {
    Result<uint64_t> removed = cached->cache().Clear();
    cached->popular().Clear();
    cached->ResetCounters();
    json::object out;
    out["l1"] = "cleared";
    if (!cached->has_l2()) {
      out["l2"] = "none";
    } else if (removed.ok()) {
      out["l2_keys_deleted"] = *removed;
    } else {
      // L1 is empty either way; say what the L2 answered.
      out["l2_error"] = removed.status().message();
    }
    return JsonResponse(http::status::ok, out);
  });
}

}  // namespace quarry::server
