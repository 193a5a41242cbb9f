#include "report.h"

#include <boost/json.hpp>
#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

#include "common/json_fields.h"
#include "common/markdown_format.h"

namespace quarry::bench {
namespace json = boost::json;
namespace {

constexpr double kHitRateTarget = 0.85;
constexpr double kL1TargetMs = 0.2;
constexpr double kL2TargetMs = 1.0;
constexpr double kDownP99Factor = 1.1;

const json::object* FindRun(const json::object& report, std::string_view name) {
  for (const json::value& r : Arr(report, "runs")) {
    if (r.is_object() && Str(r.get_object(), "name") == name) return &r.get_object();
  }
  return nullptr;
}

// The latency summary of `side` ("client" or "server") of `tier` in `run`.
const json::object& Latency(const json::object& run, std::string_view tier, std::string_view side) {
  return Obj(Obj(Obj(run, "latency"), tier), side);
}

std::string Ms(double v) { return Fmt(v < 1 ? "%.3f" : v < 10 ? "%.2f" : "%.1f", v); }

std::string Percent(double share) { return Fmt("%.1f %%", share * 100); }

std::string Percentiles(const json::object& s) {
  if (Num(s, "count") == 0) return "– | – | –";
  return Ms(Num(s, "p50_ms")) + " | " + Ms(Num(s, "p95_ms")) + " | " + Ms(Num(s, "p99_ms"));
}

std::string PassFail(bool pass) { return pass ? "pass" : "**fail**"; }

void Header(const json::object& report, std::string* out) {
  const json::object& o = Obj(report, "options");
  const json::object& w = Obj(report, "workload");
  *out += "Machine: " + Str(report, "machine");
  if (!Str(report, "label").empty()) *out += "; commit " + Str(report, "label");
  *out +=
      Fmt("; 1-minute load %.1f at start, %.1f at end. Whole run: %.1f minutes.\n\n",
          Num(report, "load_at_start"), Num(report, "load_at_end"), Num(report, "total_s") / 60);
  *out += Fmt(
      "Workload: %s searches per run drawn from the first %s distinct queries of BEIR %s with "
      "Zipf(s = %.2f) popularity (std::mt19937_64, seed %.0f; which query holds which rank is a "
      "seeded shuffle): %s distinct queries appear, the most popular is %s of the searches, the "
      "top 10 are %s; a cache that never forgets could answer at most %s of them. k = %.0f, mode "
      "%s, %.0f keep-alive connections (one client thread each), `quarry serve` with %s threads "
      "and log level %s. Each run is a new server process, warmed with the %.0f queries that are "
      "not replayed.\n\n",
      Grouped(Num(w, "requests")).c_str(), Grouped(Num(o, "queries")).c_str(),
      Str(o, "dataset").c_str(), Num(o, "zipf_s"), Num(o, "seed"),
      Grouped(Num(w, "distinct")).c_str(), Percent(Num(w, "top1_share")).c_str(),
      Percent(Num(w, "top10_share")).c_str(), Percent(Num(w, "ideal_hit_rate")).c_str(),
      Num(o, "k"), Str(o, "mode").empty() ? "(server default)" : Str(o, "mode").c_str(),
      Num(o, "connections"),
      Num(o, "server_threads") == 0 ? "its default number of"
                                    : Grouped(Num(o, "server_threads")).c_str(),
      Str(o, "server_log_level").c_str(), Num(o, "warmup_searches"));
}

void RunsTable(const json::object& report, std::string* out) {
  *out +=
      "| run | searches | errors | searches/s | hit rate | L1 | L2 | miss | client p50 ms | p95 | "
      "p99 | server p50 ms | p95 | p99 | server RSS MiB |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const json::value& v : Arr(report, "runs")) {
    if (!v.is_object()) continue;
    const json::object& r = v.get_object();
    const json::object& t = Obj(r, "tiers");
    std::string name = Str(r, "name");
    if (Flag(r, "aborted")) name += " (stopped: too many errors)";
    if (Flag(r, "truncated")) name += " (stopped: time limit)";
    *out += "| " + name + " | " + Grouped(Num(r, "searches")) + " | " + Grouped(Num(r, "errors")) +
            " | " + Grouped(Num(r, "searches_per_s")) + " | " + Percent(Num(r, "hit_rate")) +
            " | " + Grouped(Num(t, "l1")) + " | " + Grouped(Num(t, "l2")) + " | " +
            Grouped(Num(t, "miss")) + " | " + Percentiles(Latency(r, "all", "client")) + " | " +
            Percentiles(Latency(r, "all", "server")) + " | " +
            Fmt("%.0f", Num(r, "server_rss_bytes") / (1024.0 * 1024.0)) + " |\n";
  }
  *out += "\n";
  for (const json::value& v : Arr(report, "runs")) {
    if (!v.is_object()) continue;
    const json::object& r = v.get_object();
    *out += "- " + Str(r, "name") + ": " + Str(r, "description") + ".";
    const json::object& log = Obj(r, "server_log");
    if (Num(log, "warn_lines") + Num(log, "error_lines") > 0) {
      *out += " Server log: " + Grouped(Num(log, "warn_lines")) + " warnings, " +
              Grouped(Num(log, "error_lines")) + " errors";
      const json::array& first = Arr(log, "first");
      if (!first.empty() && first[0].is_string()) {
        *out += ", the first: `" + std::string(first[0].get_string()) + "`";
      }
      *out += ".";
    }
    if (Num(Obj(r, "tiers"), "other") > 0) {
      *out += Fmt(" %s answers had an unknown X-Cache.",
                  Grouped(Num(Obj(r, "tiers"), "other")).c_str());
    }
    for (const json::value& e : Arr(r, "error_examples")) {
      if (e.is_string()) *out += " Error: `" + std::string(e.get_string()) + "`.";
    }
    *out += "\n";
  }
  *out += "\n";
}

void TierTable(const json::object& report, std::string* out) {
  *out +=
      "Latency by the tier that answered (X-Cache): client round trip and server time "
      "(X-Response-Time), ms. In the uncached runs, \"first sightings\" are the searches whose "
      "query had not come before in the sequence: the same searches that miss a cache that "
      "started empty, so the fair baseline for a miss.\n\n"
      "| run | tier | searches | client p50 | p95 | p99 | server p50 | p95 | p99 |\n"
      "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const json::value& v : Arr(report, "runs")) {
    if (!v.is_object()) continue;
    const json::object& r = v.get_object();
    const bool uncached = Num(Latency(r, "none", "client"), "count") > 0;
    for (std::string_view tier : {"l1", "l2", "miss", "none", "first"}) {
      const json::object& client = Latency(r, tier, "client");
      if (Num(client, "count") == 0 || (tier == "first" && !uncached)) continue;
      *out += "| " + Str(r, "name") + " | " +
              (tier == "first" ? std::string("none, first sightings") : std::string(tier)) + " | " +
              Grouped(Num(client, "count")) + " | " + Percentiles(client) + " | " +
              Percentiles(Latency(r, tier, "server")) + " |\n";
    }
  }
  *out += "\n";
}

void PeerTable(const json::object& report, std::string* out) {
  const json::object& p = Obj(report, "redis_peer");
  if (p.empty()) return;
  const json::object& get = Obj(p, "get");
  std::string stored;
  for (const json::value& g : Arr(p, "stored")) {
    if (!g.is_object()) continue;
    const json::object& o = g.get_object();
    stored += (stored.empty() ? "" : ", ") +
              Fmt("%s values under `%s` (median %s bytes, largest %s)",
                  Grouped(Num(o, "values")).c_str(), Str(o, "keys").c_str(),
                  Grouped(Num(o, "bytes_p50")).c_str(), Grouped(Num(o, "bytes_max")).c_str());
  }
  if (stored.empty()) stored = "nothing";
  *out +=
      Fmt("Peer floor: Redis %s on loopback, `GET` of one %s-byte value (%s) through hiredis, one "
          "connection, %s GETs in a row. The cache run left %s in Redis (%.1f MiB used).\n\n",
          Str(p, "redis_version").c_str(), Grouped(Num(p, "value_bytes")).c_str(),
          Flag(p, "value_is_result_median") ? "the median size of the cached search results"
                                            : "no search result was found to take the size from",
          Grouped(Num(get, "count")).c_str(), stored.c_str(),
          Num(p, "used_memory_bytes") / (1024.0 * 1024.0));
  *out += "| | p50 ms | p95 | p99 | max |\n|---|---:|---:|---:|---:|\n";
  *out += "| Redis GET (hiredis) | " + Percentiles(get) + " | " + Ms(Num(get, "max_ms")) + " |\n";
  if (const json::object* l2 = FindRun(report, "l2")) {
    *out += "| L2 hit, inside quarry | " + Percentiles(Latency(*l2, "l2", "server")) + " | " +
            Ms(Num(Latency(*l2, "l2", "server"), "max_ms")) + " |\n";
    *out += "| L2 hit, client round trip | " + Percentiles(Latency(*l2, "l2", "client")) + " | " +
            Ms(Num(Latency(*l2, "l2", "client"), "max_ms")) + " |\n";
  }
  *out += "\n";
}

void StatsTable(const json::object& report, std::string* out) {
  std::string rows;
  for (const json::value& v : Arr(report, "runs")) {
    if (!v.is_object()) continue;
    const json::object& r = v.get_object();
    if (!r.contains("stats_before") || !r.contains("stats_after")) continue;
    const json::object& before = Obj(r, "stats_before");
    const json::object& after = Obj(r, "stats_after");
    const json::object& t = Obj(r, "tiers");
    auto cell = [](const json::object& delta, std::string_view key, double seen) {
      if (!delta.contains(key)) return std::string("–");
      const double n = Num(delta, key);
      return Grouped(n) + (n == seen ? "" : " (X-Cache: " + Grouped(seen) + ")");
    };
    if (before.contains("error") || after.contains("error")) {
      const std::string why =
          Str(before, "error").empty() ? Str(after, "error") : Str(before, "error");
      rows += "| " + Str(r, "name") + " | stats unavailable: " + why + " | | | | | |\n";
      continue;
    }
    const json::object delta = StatsDelta(before, after);
    auto count = [&delta](std::string_view key) {
      return delta.contains(key) ? Grouped(Num(delta, key)) : std::string("–");
    };
    rows += "| " + Str(r, "name") + " | " + cell(delta, "l1", Num(t, "l1")) + " | " +
            cell(delta, "l2", Num(t, "l2")) + " | " + cell(delta, "miss", Num(t, "miss")) + " | " +
            count("l2_errors") + " | " + count("l2_skipped") + " | " + count("breaker_opened") +
            " |\n";
  }
  if (rows.empty()) return;
  *out +=
      "Cross-check: what `GET /api/cache/stats` counted during each replay (after minus "
      "before; X-Cache counts in brackets where they differ), and the L2 calls for search "
      "results that failed, that the circuit breaker skipped, and how often it opened.\n\n"
      "| run | L1 hits | L2 hits | misses | L2 errors | L2 skipped | breaker opened |\n"
      "|---|---:|---:|---:|---:|---:|---:|\n" +
      rows + "\n";
}

void TargetsTable(const json::object& report, std::string* out) {
  const json::object* cache = FindRun(report, "cache");
  const json::object* l2 = FindRun(report, "l2");
  const json::object* off = FindRun(report, "no-cache");
  std::string rows;
  if (cache != nullptr) {
    const double hit = Num(*cache, "hit_rate");
    rows += "| hit rate of the cache run ≥ 85 % | " + Percent(hit) + " | " +
            PassFail(hit >= kHitRateTarget) + " |\n";
    const json::object& l1 = Latency(*cache, "l1", "server");
    if (Num(l1, "count") > 0) {
      for (const char* p : {"p50_ms", "p99_ms"}) {
        rows += Fmt("| L1 hit inside the server < 0.2 ms (%.3s) | %s ms | %s |\n", p,
                    Ms(Num(l1, p)).c_str(), PassFail(Num(l1, p) < kL1TargetMs).c_str());
      }
    }
  }
  if (l2 != nullptr) {
    const json::object& s = Latency(*l2, "l2", "server");
    if (Num(s, "count") > 0) {
      for (const char* p : {"p50_ms", "p99_ms"}) {
        rows += Fmt("| L2 hit inside the server < 1 ms (%.3s) | %s ms | %s |\n", p,
                    Ms(Num(s, p)).c_str(), PassFail(Num(s, p) < kL2TargetMs).c_str());
      }
    }
  }
  if (off != nullptr) {
    const double base = Num(Latency(*off, "all", "client"), "p99_ms");
    const double first_base = Num(Latency(*off, "first", "client"), "p99_ms");
    for (std::string_view name : {"redis-frozen", "redis-killed"}) {
      const json::object* down = FindRun(report, name);
      if (down == nullptr) continue;
      const bool complete =
          !Flag(*down, "aborted") && !Flag(*down, "truncated") && Num(*down, "errors") == 0;
      const std::string errors = complete ? "" : ", " + Grouped(Num(*down, "errors")) + " errors";
      // Every search, as the target says, against every uncached search;
      // then the misses alone (the searches that call the missing L2: the
      // hits never do) against the same searches uncached.
      struct Check {
        std::string_view tier, what, against;
        double base;
      };
      for (const Check& c :
           {Check{"all", "all searches", "all uncached searches", base},
            Check{"miss", "the misses", "their first sightings uncached", first_base}}) {
        if (Num(Latency(*down, c.tier, "client"), "count") == 0) continue;
        const double p99 = Num(Latency(*down, c.tier, "client"), "p99_ms");
        rows += "| " + std::string(name) + ": client p99 of " + std::string(c.what) +
                " ≤ 1.1 × p99 of " + std::string(c.against) + " (" + Ms(c.base) + " ms) | " +
                Ms(p99) + " ms (" + Fmt("%.2f", c.base > 0 ? p99 / c.base : 0) + " ×)" + errors +
                " | " + PassFail(complete && p99 <= c.base * kDownP99Factor) + " |\n";
      }
    }
    if (const json::object* again = FindRun(report, "no-cache-2")) {
      const double p99 = Num(Latency(*again, "all", "client"), "p99_ms");
      rows +=
          "| no-cache-2: the client p99 of all uncached searches again, at the end (noise, no "
          "target) | " +
          Ms(p99) + " ms (" + Fmt("%.2f", base > 0 ? p99 / base : 0) + " ×) | |\n";
    }
    // What a miss costs over the same search uncached, inside the server.
    const double uncached_p50 = Num(Latency(*off, "first", "server"), "p50_ms");
    for (std::string_view name : {"cache", "l1-only"}) {
      const json::object* run = FindRun(report, name);
      if (run == nullptr || uncached_p50 <= 0) continue;
      const double p50 = Num(Latency(*run, "miss", "server"), "p50_ms");
      rows += "| " + std::string(name) +
              ": server p50 of a miss / of the same search uncached (no target) | " + Ms(p50) +
              " / " + Ms(uncached_p50) + " ms = " + Fmt("%.2f", p50 / uncached_p50) + " × | |\n";
    }
    if (cache != nullptr) {
      const double on = Num(*cache, "searches_per_s");
      const double none = Num(*off, "searches_per_s");
      rows += "| throughput, cache on / cache off (no target) | " + Grouped(on) + " / " +
              Grouped(none) + " searches/s = " + Fmt("%.2f", none > 0 ? on / none : 0) + " × | |\n";
    }
  }
  if (rows.empty()) return;
  *out += "| target | measured | |\n|---|---|---|\n" + rows + "\n";
}

// The first number found at any of `paths` (each a list of nested keys).
std::optional<double> FirstCounter(
    const json::object& stats, std::initializer_list<std::initializer_list<const char*>> paths) {
  for (const auto& path : paths) {
    const json::object* o = &stats;
    const json::value* v = nullptr;
    for (const char* key : path) {
      v = o != nullptr ? o->if_contains(key) : nullptr;
      o = v != nullptr && v->is_object() ? &v->get_object() : nullptr;
    }
    if (v != nullptr && v->is_number()) return v->to_number<double>();
  }
  return std::nullopt;
}

}  // namespace

json::object StatsDelta(const json::object& before, const json::object& after) {
  json::object delta;
  auto put = [&](const char* name,
                 std::initializer_list<std::initializer_list<const char*>> paths) {
    const std::optional<double> b = FirstCounter(before, paths);
    const std::optional<double> a = FirstCounter(after, paths);
    if (a && b) delta[name] = *a - *b;
  };
  put("l1", {{"searches", "l1"}});
  put("l2", {{"searches", "l2"}});
  put("miss", {{"searches", "miss"}});
  put("l2_errors", {{"l2", "results", "errors"}});
  put("l2_skipped", {{"l2", "results", "skipped"}});
  put("breaker_opened", {{"l2", "breaker_opened"}});
  return delta;
}

std::string RenderMarkdown(const json::object& report) {
  std::string out = "## Cache\n\n";
  Header(report, &out);
  RunsTable(report, &out);
  TierTable(report, &out);
  PeerTable(report, &out);
  StatsTable(report, &out);
  TargetsTable(report, &out);
  return out;
}

}  // namespace quarry::bench
