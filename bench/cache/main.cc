// bench/cache: the two-tier search cache of `quarry serve` under a Zipf
// workload, end to end over HTTP. One redis-server and one SciFact
// collection serve seven runs, each against a fresh server process:
//
//   cache          L1 + L2, both empty at the start
//   l1-only        L1 alone (no --cache-l2): what the L2 adds to a miss
//   no-cache       --no-cache: the uncached baseline
//   l2             a new server (empty L1) on the Redis that `cache` filled:
//                  first sightings are L2 hits
//   redis-frozen   L1 + L2 with redis-server stopped by SIGSTOP: connections
//                  open, no answers (a hung Redis)
//   redis-killed   L1 + L2 with redis-server gone: connections refused
//   no-cache-2     the uncached baseline again, at the end: how far two
//                  identical runs differ on this machine
//
// and the peer floor: a hiredis GET of a value of the cached size. Prints
// Markdown tables and, with --out FILE, writes the JSON report to FILE and
// the tables to FILE.md. Usually run through scripts/bench-cache.sh; results
// in docs/benchmarks.md ("Cache").
#include <signal.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/stopwatch.h"
#include "common/child_process.h"
#include "common/latency.h"
#include "common/proc_stats.h"
#include "common/report_file.h"
#include "http_client.h"
#include "redis_peer.h"
#include "replay.h"
#include "report.h"
#include "run_summary.h"
#include "workload.h"

namespace quarry::bench {
namespace {
namespace json = boost::json;
namespace fs = std::filesystem;

constexpr char kListening[] = "quarry listening on http://127.0.0.1:";

struct Flags {
  std::string quarry = QUARRY_BENCH_CLI_PATH;
  std::string redis_server = "redis-server";
  std::string dataset = std::string(QUARRY_BENCH_SHARED_DATA_DIR) + "/beir/scifact";
  std::string work_dir;  // empty: a temporary one, removed at the end
  size_t queries = 1000;
  size_t searches = 20000;
  double zipf_s = 1.1;
  uint64_t seed = 42;
  size_t connections = 2;
  uint32_t k = 10;
  std::string mode = "hybrid";
  std::vector<std::string> runs = {"cache",        "l1-only",      "no-cache",  "l2",
                                   "redis-frozen", "redis-killed", "no-cache-2"};
  unsigned server_threads = 0;  // 0: the server's default (one per core)
  std::string server_log_level = "warn";
  uint32_t timeout_ms = 10000;
  uint32_t max_run_s = 600;
  size_t peer_gets = 20000;
  std::string out;
  std::string label;
  std::string render;
};

// Everything the runs share.
struct Bench {
  const Flags& flags;
  std::string data_dir;
  std::string collection;
  std::string logs_dir;
  std::vector<std::string> bodies;         // replayed queries, as /api/search bodies
  std::vector<std::string> warmup_bodies;  // held-out queries
  std::vector<uint32_t> sequence;
  uint16_t redis_port = 0;
  std::unique_ptr<BackgroundProcess> redis;
};

void Log(const char* format, auto... args) {
  std::fprintf(stderr, "[cache] ");
  std::fprintf(stderr, format, args...);
  std::fprintf(stderr, "\n");
}

std::string SearchBody(const Flags& f, const std::string& query) {
  json::object body{{"query", query}, {"k", f.k}};
  if (!f.mode.empty()) body["mode"] = f.mode;
  return json::serialize(body);
}

// Removes a temporary work directory when the benchmark ends.
struct TempDir {
  std::string path;
  ~TempDir() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
};

Result<std::string> MakeWorkDir(const Flags& f, TempDir* temp) {
  if (!f.work_dir.empty()) {
    std::error_code ec;
    fs::create_directories(f.work_dir, ec);
    if (ec) return Status::IOError(f.work_dir + ": " + ec.message());
    return f.work_dir;
  }
  std::string templ = (fs::temp_directory_path() / "quarry-bench-cache-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) return Status::IOError("cannot create a temporary folder");
  temp->path = templ;
  return templ;
}

// `quarry eval` loads the corpus into a collection of the data directory
// and keeps it; one judged query in one mode is the least it evaluates.
Result<json::object> Ingest(const Bench& b) {
  Stopwatch clock;
  QUARRY_RETURN_IF_ERROR(RunChild({b.flags.quarry, "eval", "--dataset", b.flags.dataset, "--data",
                                   b.data_dir, "--collection", b.collection, "--modes", "keyword",
                                   "--max-queries", "1", "--warmup", "0"})
                             .status());
  return json::object{{"collection", b.collection}, {"seconds", clock.ElapsedMillis() / 1000}};
}

Status StartRedis(Bench* b) {
  const std::string dir = b->logs_dir + "/redis";
  std::error_code ec;
  fs::create_directories(dir, ec);
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {  // the free port may be taken meanwhile
    QUARRY_ASSIGN_OR_RETURN(uint16_t port, PickFreePort());
    QUARRY_ASSIGN_OR_RETURN(
        b->redis,
        BackgroundProcess::Start({b->flags.redis_server, "--port", std::to_string(port), "--bind",
                                  "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir},
                                 dir + "/stdout.log", dir + "/stderr.log"));
    Result<std::unique_ptr<RedisConnection>> conn =
        RedisConnection::Connect(port, std::chrono::seconds(5));
    if (conn.ok()) {
      b->redis_port = port;
      return Status::Ok();
    }
    last = conn.status();
    b->redis->Stop();
  }
  return last;
}

Result<std::unique_ptr<RedisConnection>> ConnectRedis(const Bench& b) {
  return RedisConnection::Connect(b.redis_port, std::chrono::seconds(5));
}

// The value of `field` in the text of INFO ("field:value\r\n" lines).
std::string InfoField(const std::string& info, const std::string& field) {
  const size_t at = info.find(field + ":");
  if (at == std::string::npos) return "";
  const size_t from = at + field.size() + 1;
  return info.substr(from, info.find_first_of("\r\n", from) - from);
}

// How the server's cache is set for a run.
enum class L2 { kOn, kOff, kNoCache };

struct RunPlan {
  std::string name;
  std::string description;
  L2 l2 = L2::kOn;
  bool clear_after_warmup = false;
  std::function<Status()> before_replay;  // after warm-up, just before the replay
  std::function<void()> after_replay;
};

struct Server {
  std::unique_ptr<BackgroundProcess> process;
  uint16_t port = 0;
  std::vector<std::string> args;
};

Result<Server> StartQuarry(const Bench& b, const RunPlan& plan) {
  Server s;
  s.args = {b.flags.quarry,
            "serve",
            "--data",
            b.data_dir,
            "--port",
            "0",
            "--default-collection",
            b.collection,
            "--log-level",
            b.flags.server_log_level};
  if (b.flags.server_threads != 0) {
    s.args.insert(s.args.end(), {"--threads", std::to_string(b.flags.server_threads)});
  }
  switch (plan.l2) {
    case L2::kNoCache:
      s.args.push_back("--no-cache");
      break;
    case L2::kOff:
      s.args.insert(s.args.end(), {"--cache-warm-interval", "0"});
      break;
    case L2::kOn:
      s.args.insert(s.args.end(),
                    {"--cache-l2", "redis://127.0.0.1:" + std::to_string(b.redis_port),
                     "--cache-warm-interval", "0"});
      break;
  }
  const std::string prefix = b.logs_dir + "/quarry-" + plan.name;
  QUARRY_ASSIGN_OR_RETURN(
      s.process, BackgroundProcess::Start(s.args, prefix + ".stdout.log", prefix + ".stderr.log"));
  QUARRY_ASSIGN_OR_RETURN(std::string line,
                          s.process->WaitForLine(kListening, std::chrono::seconds(60)));
  const std::string_view digits =
      std::string_view(line).substr(line.find(kListening) + sizeof kListening - 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), s.port);
  if (ec != std::errc() || s.port == 0) {
    return Status::Internal("cannot read the port in '" + line + "'");
  }
  return s;
}

// GET or POST of a cache endpoint: the JSON answer, or {"error": ...}.
json::value CacheEndpoint(HttpClient& client, bool post, const std::string& target) {
  Result<HttpReply> reply = post ? client.Post(target, "") : client.Get(target);
  if (!reply.ok()) return json::object{{"error", reply.status().message()}};
  boost::system::error_code ec;
  json::value v = json::parse(reply->body, ec);
  if (reply->status != 200 || ec) {
    return json::object{
        {"error", "HTTP " + std::to_string(reply->status) + ": " + reply->body.substr(0, 300)}};
  }
  return v;
}

// Lines of the server's log at each level above info, and the first of them.
json::object ServerLogSummary(const std::string& stderr_path) {
  std::ifstream in(stderr_path);
  std::string line;
  uint64_t warn = 0, error = 0;
  json::array first;
  while (std::getline(in, line)) {
    const bool is_error = line.find("\"level\":\"error\"") != std::string::npos ||
                          line.find("\"level\":\"critical\"") != std::string::npos;
    const bool is_warn = line.find("\"level\":\"warn") != std::string::npos;
    if (is_error) ++error;
    if (is_warn) ++warn;
    if ((is_error || is_warn) && first.size() < 3) first.emplace_back(line.substr(0, 500));
  }
  return {{"warn_lines", warn}, {"error_lines", error}, {"first", std::move(first)}};
}

Result<json::object> MeasureRun(const Bench& b, const RunPlan& plan) {
  Log("run %s: %s", plan.name.c_str(), plan.description.c_str());
  QUARRY_ASSIGN_OR_RETURN(Server server, StartQuarry(b, plan));
  const std::chrono::milliseconds timeout(b.flags.timeout_ms);
  HttpClient control(server.port, timeout);
  // Warm-up: queries that are not replayed page the collection in and fill
  // the server's allocator, without putting a replayed query in the cache.
  Stopwatch warm;
  for (const std::string& body : b.warmup_bodies) {
    Result<HttpReply> reply = control.Post("/api/search", body);
    if (!reply.ok()) return reply.status().WithContext("warm-up search");
    if (reply->status != 200) {
      return Status::Internal("warm-up search: HTTP " + std::to_string(reply->status) + ": " +
                              reply->body.substr(0, 300));
    }
  }
  json::object run{{"name", plan.name},
                   {"description", plan.description},
                   {"server_args", json::value_from(std::vector<std::string>(
                                       server.args.begin() + 1, server.args.end()))},
                   {"warmup_searches", b.warmup_bodies.size()},
                   {"warmup_s", warm.ElapsedMillis() / 1000}};
  const bool cache_on = plan.l2 != L2::kNoCache;
  if (plan.clear_after_warmup) run["clear"] = CacheEndpoint(control, true, "/api/cache/clear");
  if (plan.before_replay) QUARRY_RETURN_IF_ERROR(plan.before_replay());
  if (cache_on) run["stats_before"] = CacheEndpoint(control, false, "/api/cache/stats");

  ReplaySpec spec;
  spec.port = server.port;
  spec.connections = b.flags.connections;
  spec.timeout = timeout;
  spec.max_duration = std::chrono::seconds(b.flags.max_run_s);
  const double load = LoadAverage();
  const ReplayResult replay = Replay(spec, b.bodies, b.sequence);
  json::object summary = SummarizeReplay(replay, b.sequence);
  Log("  %.0f searches/s, hit rate %.3f (l1 %.3f, l2 %.3f), %zu errors%s%s",
      summary["searches_per_s"].as_double(), summary["hit_rate"].as_double(),
      summary["l1_hit_rate"].as_double(), summary["l2_hit_rate"].as_double(), replay.errors,
      replay.aborted ? ", aborted" : "", replay.truncated ? ", stopped at --max-run-s" : "");
  for (auto& [key, value] : summary) run[key] = std::move(value);
  run["truncated"] = replay.truncated;
  run["load_before"] = load;

  if (cache_on) run["stats_after"] = CacheEndpoint(control, false, "/api/cache/stats");
  if (plan.after_replay) plan.after_replay();
  const MemoryStats memory = ReadMemoryStats(server.process->pid());
  run["server_rss_bytes"] = memory.rss;
  run["server_hwm_bytes"] = memory.hwm;
  run["server_exit"] = server.process->Stop();
  run["server_log"] = ServerLogSummary(b.logs_dir + "/quarry-" + plan.name + ".stderr.log");
  return run;
}

// What the cache left in Redis, and the round trip of a GET of a value of
// the median size of the stored search results: keys "<prefix>r:<hash>"
// (src/cache/cache_key.h); of all values if there is no such key.
Result<json::object> MeasureRedisPeer(const Bench& b) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<RedisConnection> conn, ConnectRedis(b));
  QUARRY_ASSIGN_OR_RETURN(auto groups, conn->StringValueSizes());
  json::array stored;
  std::vector<double> all;
  std::optional<double> result_p50;
  for (const auto& [group, sizes] : groups) {
    // Summarize reports "ms" fields; here they are bytes.
    const LatencySummary s = Summarize(sizes);
    stored.push_back(json::object{{"keys", group + ":*"},
                                  {"values", sizes.size()},
                                  {"bytes_p50", s.p50_ms},
                                  {"bytes_max", s.max_ms}});
    if (group.ends_with(":r")) result_p50 = s.p50_ms;
    all.insert(all.end(), sizes.begin(), sizes.end());
  }
  const size_t value_bytes = result_p50    ? static_cast<size_t>(*result_p50)
                             : all.empty() ? 1024
                                           : static_cast<size_t>(Summarize(all).p50_ms);
  Log("peer floor: %zu string values in Redis; %zu GETs of %zu bytes", all.size(),
      b.flags.peer_gets, value_bytes);
  QUARRY_ASSIGN_OR_RETURN(LatencySummary get, conn->MeasureGet(value_bytes, b.flags.peer_gets));
  QUARRY_ASSIGN_OR_RETURN(std::string memory, conn->Command({"INFO", "memory"}));
  QUARRY_ASSIGN_OR_RETURN(std::string server, conn->Command({"INFO", "server"}));
  return json::object{{"redis_version", InfoField(server, "redis_version")},
                      {"stored", std::move(stored)},
                      {"used_memory_bytes", std::stod("0" + InfoField(memory, "used_memory"))},
                      {"value_bytes", value_bytes},
                      {"value_is_result_median", result_p50.has_value()},
                      {"get", ToJson(get)}};
}

bool Wanted(const Flags& f, const std::string& run) {
  return std::find(f.runs.begin(), f.runs.end(), run) != f.runs.end();
}

int Run(const Flags& f) {
  Stopwatch total;
  auto fail = [](const Status& s) {
    Log("%s", s.ToString().c_str());
    return s.code() == StatusCode::kNotFound ? 2 : 1;
  };
  TempDir temp;
  Result<std::string> work = MakeWorkDir(f, &temp);
  if (!work.ok()) return fail(work.status());
  Bench b{.flags = f};
  b.data_dir = *work + "/data";
  b.logs_dir = *work + "/logs";
  b.collection = "beir-" + fs::path(f.dataset).lexically_normal().filename().string();
  std::error_code ec;
  fs::create_directories(b.logs_dir, ec);

  Result<QuerySet> queries = LoadQueries(f.dataset + "/queries.jsonl", f.queries);
  if (!queries.ok()) return fail(queries.status());
  for (const std::string& q : queries->replayed) b.bodies.push_back(SearchBody(f, q));
  for (const std::string& q : queries->held_out) b.warmup_bodies.push_back(SearchBody(f, q));
  const ZipfSpec zipf{.items = f.queries, .length = f.searches, .s = f.zipf_s, .seed = f.seed};
  b.sequence = ZipfSequence(zipf);

  json::object report{{"machine", MachineDescription()},
                      {"label", f.label},
                      {"load_at_start", LoadAverage()},
                      {"options",
                       {{"dataset", fs::path(f.dataset).lexically_normal().filename().string()},
                        {"queries", f.queries},
                        {"searches", f.searches},
                        {"zipf_s", f.zipf_s},
                        {"seed", f.seed},
                        {"connections", f.connections},
                        {"k", f.k},
                        {"mode", f.mode},
                        {"server_threads", f.server_threads},
                        {"server_log_level", f.server_log_level},
                        {"timeout_ms", f.timeout_ms},
                        {"warmup_searches", b.warmup_bodies.size()}}},
                      {"workload", SequenceStats(b.sequence)}};

  Log("ingest %s into %s", f.dataset.c_str(), b.data_dir.c_str());
  Result<json::object> ingest = Ingest(b);
  if (!ingest.ok()) return fail(ingest.status());
  report["ingest"] = std::move(ingest).value();
  if (Status s = StartRedis(&b); !s.ok()) return fail(s);
  Log("redis-server on 127.0.0.1:%u", static_cast<unsigned>(b.redis_port));

  json::array runs;
  auto measure = [&](const RunPlan& plan) -> Status {
    QUARRY_ASSIGN_OR_RETURN(json::object r, MeasureRun(b, plan));
    runs.push_back(std::move(r));
    return Status::Ok();
  };
  if (Wanted(f, "cache")) {
    Status s = measure({.name = "cache",
                        .description = "L1 + L2, both empty at the start",
                        .clear_after_warmup = true});
    if (!s.ok()) return fail(s);
    Result<json::object> peer = MeasureRedisPeer(b);
    if (!peer.ok()) return fail(peer.status());
    report["redis_peer"] = std::move(peer).value();
  }
  if (Wanted(f, "l1-only")) {
    Status s = measure({.name = "l1-only",
                        .description = "L1 alone (no --cache-l2), empty at the start",
                        .l2 = L2::kOff,
                        .clear_after_warmup = true});
    if (!s.ok()) return fail(s);
  }
  const RunPlan uncached{
      .name = "no-cache", .description = "--no-cache: no tier", .l2 = L2::kNoCache};
  if (Wanted(f, "no-cache")) {
    if (Status s = measure(uncached); !s.ok()) return fail(s);
  }
  if (Wanted(f, "l2")) {
    Status s = measure(
        {.name = "l2", .description = "a new server (empty L1) on the Redis the cache run filled"});
    if (!s.ok()) return fail(s);
  }
  if (Wanted(f, "redis-frozen")) {
    Status s = measure({.name = "redis-frozen",
                        .description = "L1 + L2, redis-server stopped by SIGSTOP after warm-up",
                        .before_replay = [&b] { return b.redis->Signal(SIGSTOP); },
                        .after_replay = [&b] { (void)b.redis->Signal(SIGCONT); }});
    if (!s.ok()) return fail(s);
  }
  if (Wanted(f, "redis-killed")) {
    Status s = measure({.name = "redis-killed",
                        .description = "L1 + L2, redis-server ended by SIGTERM after warm-up",
                        .before_replay = [&b] {
                          Log("  redis-server: %s", b.redis->Stop().c_str());
                          return Status::Ok();
                        }});
    if (!s.ok()) return fail(s);
  }
  if (Wanted(f, "no-cache-2")) {
    RunPlan again = uncached;
    again.name = "no-cache-2";
    again.description = "--no-cache again, after the other runs";
    if (Status s = measure(again); !s.ok()) return fail(s);
  }
  report["runs"] = std::move(runs);
  report["load_at_end"] = LoadAverage();
  report["total_s"] = total.ElapsedMillis() / 1000;
  if (!temp.path.empty()) report["work_dir"] = "temporary, removed";

  if (Status s = PublishReport(f.out, report, RenderMarkdown(report), "cache"); !s.ok()) {
    return fail(s);
  }
  return 0;
}

}  // namespace
}  // namespace quarry::bench

int main(int argc, char** argv) {
  quarry::bench::Flags f;
  CLI::App app{"bench_cache: the two-tier search cache under a Zipf workload (docs/benchmarks.md)"};
  app.add_option("--quarry", f.quarry, "quarry binary")->capture_default_str();
  app.add_option("--redis-server", f.redis_server, "redis-server binary")->capture_default_str();
  app.add_option("--dataset", f.dataset, "BEIR dataset folder (corpus.jsonl, queries.jsonl)")
      ->capture_default_str();
  app.add_option("--work-dir", f.work_dir,
                 "Keep the collection and the logs here (default: a temporary folder)");
  app.add_option("--queries", f.queries, "Distinct queries replayed (the first N of the file)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 24))
      ->capture_default_str();
  app.add_option("--searches", f.searches, "Searches per run")
      ->check(CLI::Range(size_t{1}, size_t{1} << 28))
      ->capture_default_str();
  app.add_option("--zipf-s", f.zipf_s, "Zipf exponent of query popularity")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  app.add_option("--seed", f.seed, "Seed of the sequence (std::mt19937_64)")->capture_default_str();
  app.add_option("--connections", f.connections, "Concurrent keep-alive connections")
      ->check(CLI::Range(size_t{1}, size_t{64}))
      ->capture_default_str();
  app.add_option("--k", f.k, "Hits per search")->capture_default_str();
  app.add_option("--mode", f.mode, "Search mode (keyword, vector, hybrid; empty: the server's)")
      ->capture_default_str();
  app.add_option("--runs", f.runs,
                 "Runs, always in this order: cache l1-only no-cache l2 redis-frozen "
                 "redis-killed no-cache-2 (l2 needs cache)")
      ->check(CLI::IsMember(
          {"cache", "l1-only", "no-cache", "l2", "redis-frozen", "redis-killed", "no-cache-2"}))
      ->capture_default_str();
  app.add_option("--server-threads", f.server_threads, "quarry serve --threads (0: its default)")
      ->capture_default_str();
  app.add_option("--server-log-level", f.server_log_level, "quarry serve --log-level")
      ->capture_default_str();
  app.add_option("--timeout-ms", f.timeout_ms, "A search with no answer after this fails")
      ->capture_default_str();
  app.add_option("--max-run-s", f.max_run_s, "No search starts after this long in one run")
      ->capture_default_str();
  app.add_option("--peer-gets", f.peer_gets, "hiredis GETs timed for the peer floor")
      ->capture_default_str();
  app.add_option("--out", f.out, "Write the JSON report here (and the tables to .md)");
  app.add_option("--label", f.label, "Free text stored in the report (e.g. the commit)");
  app.add_option("--render", f.render, "Print the tables of an existing JSON report and exit");
  CLI11_PARSE(app, argc, argv);
  if (!f.render.empty()) {
    return quarry::bench::RenderStoredReport(f.render, quarry::bench::RenderMarkdown, "cache");
  }
  // A server that closes a connection mid-write must not end the benchmark.
  signal(SIGPIPE, SIG_IGN);
  return quarry::bench::Run(f);
}
