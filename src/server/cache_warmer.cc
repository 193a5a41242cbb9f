#include "server/cache_warmer.h"

#include <boost/json.hpp>

#include "server/request_parsing.h"

namespace quarry::server {
namespace {

namespace json = boost::json;

constexpr size_t kMaxPopularListBytes = 4u << 20;

std::string PopularListKey(const ServerContext& context) {
  return context.search_cache.cache().options().key_prefix + "popular";
}

}  // namespace

std::string EncodePopularList(const std::vector<cache::PopularQuery>& queries) {
  json::array list;
  for (const cache::PopularQuery& q : queries) {
    json::object o;
    o["collection"] = q.collection;
    o["body"] = q.body;
    o["count"] = q.count;
    list.push_back(std::move(o));
  }
  json::object out;
  out["version"] = 1;
  out["queries"] = std::move(list);
  return json::serialize(out);
}

std::vector<cache::PopularQuery> DecodePopularList(std::string_view bytes, size_t max_entries) {
  std::vector<cache::PopularQuery> out;
  if (bytes.size() > kMaxPopularListBytes) return out;
  boost::system::error_code ec;
  json::parse_options limits;
  limits.max_depth = 8;
  json::value v = json::parse(bytes, ec, {}, limits);
  if (ec || !v.is_object()) return out;
  const json::object& o = v.get_object();
  const json::value* version = o.if_contains("version");
  const json::value* queries = o.if_contains("queries");
  if (version == nullptr || !version->is_int64() || version->get_int64() != 1) return out;
  if (queries == nullptr || !queries->is_array()) return out;
  for (const json::value& e : queries->get_array()) {
    if (out.size() >= max_entries) break;
    if (!e.is_object()) continue;
    const json::value* collection = e.get_object().if_contains("collection");
    const json::value* body = e.get_object().if_contains("body");
    if (collection == nullptr || !collection->is_string() || body == nullptr ||
        !body->is_string() || body->get_string().size() > cache::PopularQueries::kMaxBodyBytes) {
      continue;
    }
    cache::PopularQuery q;
    q.collection = std::string(collection->get_string());
    q.body = std::string(body->get_string());
    out.push_back(std::move(q));
  }
  return out;
}

WarmingReport WarmCache(ServerContext& context) {
  WarmingReport report;
  cache::CachedSearch& cached = context.search_cache;
  if (!cached.enabled()) return report;
  const size_t top = cached.cache().options().warm_top;
  std::vector<cache::PopularQuery> queries = cached.popular().Top(top);
  if (cached.has_l2()) {
    if (queries.empty()) {
      if (std::optional<std::string> shared = cached.cache().GetRawL2(PopularListKey(context))) {
        queries = DecodePopularList(*shared, top);
        report.from_peers = !queries.empty();
      }
    } else {
      cached.cache().PutRawL2(PopularListKey(context), EncodePopularList(queries));
    }
  }
  report.candidates = queries.size();
  for (const cache::PopularQuery& q : queries) {
    // Low priority: requests waiting for the pool go first.
    if (context.stopping.load() || context.cpu_jobs.load() > 0) {
      report.interrupted = true;
      break;
    }
    // The body is parsed again: it may come from a peer through the L2.
    Result<ParsedSearch> parsed = ParseSearchBody(q.body, context.options.default_collection);
    if (!parsed.ok() || parsed->collection != q.collection) {
      ++report.failed;
      continue;
    }
    Result<std::shared_ptr<Collection>> collection = context.engine->GetCollection(q.collection);
    if (!collection.ok()) {
      ++report.failed;
      continue;
    }
    using Origin = cache::CachedSearch::Origin;
    if (cached.FromL1(**collection, parsed->request, q.body, Origin::kWarming)) continue;
    ++report.searched;
    if (!cached.FromL2OrSearch(**collection, parsed->request, Origin::kWarming).ok()) {
      ++report.failed;
    }
  }
  return report;
}

}  // namespace quarry::server
