// GET /metrics: Prometheus text exposition format (version 0.0.4).
//
// Counters are cumulative since the server started (POST /api/cache/clear
// resets the per-request cache counters, which Prometheus sees as a counter
// reset). Labels hold only fixed words and collection names, never queries.
#include <string>

#include "server/handlers.h"

namespace quarry::server {
namespace {

class MetricsText {
 public:
  // One # HELP / # TYPE block per metric family, then its samples.
  void Family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void Sample(std::string_view name, std::string_view labels, double value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += FormatValue(value);
    out_ += '\n';
  }
  std::string Take() { return std::move(out_); }

 private:
  static std::string FormatValue(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }
  std::string out_;
};

std::string Label(std::string_view name, std::string_view value) {
  // Collection names are [A-Za-z0-9_-]; escape anyway, as the format asks.
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

HandlerReply GetMetrics(RequestContext& context) {
  const cache::CachedSearch& cached = *context.search_cache;
  const cache::RequestCounters r = cached.Counters();
  const cache::CacheStats s = cached.cache().Stats();
  MetricsText m;

  m.Family("quarry_cache_searches_total", "counter",
           "Searches by where their answer came from (l1, l2, miss)");
  m.Sample("quarry_cache_searches_total", "tier=\"l1\"", static_cast<double>(r.l1));
  m.Sample("quarry_cache_searches_total", "tier=\"l2\"", static_cast<double>(r.l2));
  m.Sample("quarry_cache_searches_total", "tier=\"miss\"", static_cast<double>(r.miss));
  m.Family("quarry_cache_query_embeddings_total", "counter",
           "Query embeddings of missed searches by origin (l1, l2, computed)");
  m.Sample("quarry_cache_query_embeddings_total", "source=\"l1\"",
           static_cast<double>(r.embedding_l1));
  m.Sample("quarry_cache_query_embeddings_total", "source=\"l2\"",
           static_cast<double>(r.embedding_l2));
  m.Sample("quarry_cache_query_embeddings_total", "source=\"computed\"",
           static_cast<double>(r.embedding_computed));
  m.Family("quarry_cache_warming_searches_total", "counter", "Searches run by the cache warmer");
  m.Sample("quarry_cache_warming_searches_total", "", static_cast<double>(r.warmed));

  struct L1 {
    const char* kind;
    const cache::LruCounters* c;
  };
  const L1 l1s[] = {{"result", &s.l1_results}, {"embedding", &s.l1_embeddings}};
  m.Family("quarry_cache_l1_lookups_total", "counter", "L1 lookups by kind and outcome");
  for (const L1& l : l1s) {
    m.Sample("quarry_cache_l1_lookups_total",
             Label("kind", l.kind) + ",outcome=\"hit\"", static_cast<double>(l.c->hits));
    m.Sample("quarry_cache_l1_lookups_total",
             Label("kind", l.kind) + ",outcome=\"miss\"", static_cast<double>(l.c->misses));
  }
  m.Family("quarry_cache_l1_evictions_total", "counter", "L1 entries pushed out by the size bound");
  for (const L1& l : l1s) {
    m.Sample("quarry_cache_l1_evictions_total", Label("kind", l.kind),
             static_cast<double>(l.c->evictions));
  }
  m.Family("quarry_cache_l1_expirations_total", "counter", "L1 entries found past their TTL");
  for (const L1& l : l1s) {
    m.Sample("quarry_cache_l1_expirations_total", Label("kind", l.kind),
             static_cast<double>(l.c->expirations));
  }
  m.Family("quarry_cache_l1_entries", "gauge", "Entries held in L1");
  for (const L1& l : l1s) {
    m.Sample("quarry_cache_l1_entries", Label("kind", l.kind), static_cast<double>(l.c->entries));
  }

  if (s.l2_configured) {
    struct L2 {
      const char* kind;
      const cache::L2Counters* c;
    };
    const L2 l2s[] = {{"result", &s.l2_results}, {"embedding", &s.l2_embeddings}};
    m.Family("quarry_cache_l2_lookups_total", "counter",
             "L2 lookups by kind and outcome (hit, miss, corrupt, error, skipped)");
    for (const L2& l : l2s) {
      const std::string kind = Label("kind", l.kind);
      m.Sample("quarry_cache_l2_lookups_total", kind + ",outcome=\"hit\"",
               static_cast<double>(l.c->hits));
      m.Sample("quarry_cache_l2_lookups_total", kind + ",outcome=\"miss\"",
               static_cast<double>(l.c->misses));
      m.Sample("quarry_cache_l2_lookups_total", kind + ",outcome=\"corrupt\"",
               static_cast<double>(l.c->corrupt));
      m.Sample("quarry_cache_l2_lookups_total", kind + ",outcome=\"error\"",
               static_cast<double>(l.c->errors));
      m.Sample("quarry_cache_l2_lookups_total", kind + ",outcome=\"skipped\"",
               static_cast<double>(l.c->skipped));
    }
    m.Family("quarry_cache_l2_writes_total", "counter", "L2 writes by kind and outcome");
    for (const L2& l : l2s) {
      const std::string kind = Label("kind", l.kind);
      m.Sample("quarry_cache_l2_writes_total", kind + ",outcome=\"ok\"",
               static_cast<double>(l.c->writes));
      m.Sample("quarry_cache_l2_writes_total", kind + ",outcome=\"error\"",
               static_cast<double>(l.c->write_errors));
      m.Sample("quarry_cache_l2_writes_total", kind + ",outcome=\"skipped\"",
               static_cast<double>(l.c->write_skipped));
    }
    m.Family("quarry_cache_l2_breaker_open", "gauge",
             "1 while the L2 circuit breaker is open or half-open");
    m.Sample("quarry_cache_l2_breaker_open", "",
             s.l2_breaker == cache::CircuitBreaker::State::kClosed ? 0 : 1);
    m.Family("quarry_cache_l2_breaker_opened_total", "counter", "Times the L2 breaker opened");
    m.Sample("quarry_cache_l2_breaker_opened_total", "",
             static_cast<double>(s.l2_breaker_opened));
  }

  m.Family("quarry_collection_documents", "gauge", "Documents per collection");
  const std::vector<CollectionInfo> collections = context.engine->ListCollections();
  for (const CollectionInfo& c : collections) {
    m.Sample("quarry_collection_documents", Label("collection", c.name),
             static_cast<double>(c.documents));
  }
  m.Family("quarry_collection_chunks", "gauge", "Chunks per collection");
  for (const CollectionInfo& c : collections) {
    m.Sample("quarry_collection_chunks", Label("collection", c.name),
             static_cast<double>(c.chunks));
  }
  m.Family("quarry_collection_generation", "counter", "Acknowledged writes per collection");
  for (const CollectionInfo& c : collections) {
    m.Sample("quarry_collection_generation", Label("collection", c.name),
             static_cast<double>(c.generation));
  }

  ApiResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = m.Take();
  return response;
}

}  // namespace quarry::server
