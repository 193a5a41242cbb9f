// bench/storage: the durable storage engine's ingest throughput under each
// fsync policy, cold start (process start to first answered query) with
// memory-mapped versus loaded segments, resident memory and search latency
// with everything in RAM versus on disk. Prints Markdown tables and, with
// --out FILE, writes the JSON report to FILE and the tables to FILE.md.
// Usually run through scripts/bench-storage.sh; results in docs/benchmarks.md.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/stopwatch.h"
#include "common/proc_stats.h"
#include "common/report_file.h"
#include "corpus.h"
#include "ingest_run.h"
#include "report.h"
#include "startup_run.h"
#include "storage_set.h"

namespace quarry::bench {
namespace {
namespace json = boost::json;
namespace fs = std::filesystem;

struct Flags {
  uint64_t docs = 100000;
  uint32_t dimensions = 384;
  uint32_t m = 32;
  uint32_t ef_construct = 128;
  uint64_t ingest_docs = 20000;
  uint64_t ingest_docs_single = 20000;
  std::vector<uint32_t> per_call = {1, 100};
  std::vector<std::string> policies = {"always", "interval", "never"};
  std::vector<std::string> variants;  // empty: all
  uint32_t cold_runs = 3;
  uint32_t warm_runs = 3;
  uint32_t cli_runs = 1;
  uint32_t warm_passes = 2;
  std::string mode = "hybrid";
  size_t queries = 0;  // 0: all
  uint64_t seed = 42;
  bool skip_ingest = false;
  bool rebuild = false;
  std::string work_dir = "build-bstore/bench-storage";
  std::string beir_dir = std::string(QUARRY_BENCH_SHARED_DATA_DIR) + "/beir/scifact";
  std::string probe = QUARRY_BENCH_PROBE_PATH;
  std::string quarry = QUARRY_BENCH_CLI_PATH;
  std::string out;
  std::string label;
  std::string render;
};

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

Result<FsyncPolicy> ParsePolicy(const std::string& name) {
  if (name == "always") return FsyncPolicy::kAlways;
  if (name == "interval") return FsyncPolicy::kInterval;
  if (name == "never") return FsyncPolicy::kNever;
  return Status::InvalidArgument("unknown fsync policy '" + name + "' (always, interval, never)");
}

Result<json::array> RunIngestMatrix(const Flags& f, const ShortDocuments& corpus) {
  json::array out;
  for (const std::string& name : f.policies) {
    QUARRY_ASSIGN_OR_RETURN(FsyncPolicy policy, ParsePolicy(name));
    for (uint32_t per_call : f.per_call) {
      IngestSpec spec;
      spec.label = name + ", " + std::to_string(per_call) + " per call";
      spec.config.embedder.dimensions = f.dimensions;
      spec.config.vectors.m = f.m;
      spec.config.vectors.ef_construct = f.ef_construct;
      spec.config.storage.fsync = policy;
      spec.config.storage.fsync_interval_ms = 100;
      spec.docs = per_call == 1 ? f.ingest_docs_single : f.ingest_docs;
      spec.per_call = per_call;
      const std::string dir = f.work_dir + "/ingest";
      std::error_code ec;
      fs::remove_all(dir, ec);
      std::fprintf(stderr, "[storage] ingest %s: %llu documents\n", spec.label.c_str(),
                   static_cast<unsigned long long>(spec.docs));
      QUARRY_ASSIGN_OR_RETURN(IngestResult r, RunIngest(corpus, spec, dir, "ingest"));
      std::fprintf(stderr, "[storage]   %.0f documents/s acknowledged, %.2f MB/s, drain %.1f s\n",
                   r.docs_per_s(), r.mb_per_s(), r.drain_s);
      fs::remove_all(dir, ec);
      out.push_back(ToJson(r));
    }
  }
  return out;
}

Result<json::object> MeasureVariant(const Flags& f, const StorageSet& set, StorageVariant v,
                                    const std::string& queries_file, const std::string& query,
                                    bool can_drop) {
  QUARRY_RETURN_IF_ERROR(MakeVariant(set, f.work_dir, &v));
  ProbeSpec spec{f.probe, v.data_dir, kSetCollection, queries_file, f.warm_passes, f.mode};
  json::array runs, cli;
  std::fprintf(stderr, "[storage] variant %s (%s)\n", v.name.c_str(), v.description.c_str());
  if (can_drop) {
    for (uint32_t i = 0; i < f.cold_runs; ++i) {
      QUARRY_ASSIGN_OR_RETURN(json::object r, RunProbe(spec, StartKind::kCold));
      std::fprintf(stderr, "[storage]   cold: first answer %.0f ms after process start\n",
                   r["start_to_first_ms"].to_number<double>());
      runs.push_back(std::move(r));
    }
  }
  for (uint32_t i = 0; i < f.warm_runs; ++i) {
    QUARRY_ASSIGN_OR_RETURN(json::object r, RunProbe(spec, StartKind::kWarm));
    std::fprintf(stderr, "[storage]   warm: first answer %.0f ms after process start\n",
                 r["start_to_first_ms"].to_number<double>());
    runs.push_back(std::move(r));
  }
  {
    QUARRY_ASSIGN_OR_RETURN(json::object r, RunProbe(spec, StartKind::kEvicted));
    std::fprintf(
        stderr, "[storage]   mappings paged out after open: %.0f MiB resident once warm\n",
        r["warm"].as_object()["memory"].as_object()["rss"].to_number<double>() / (1 << 20));
    runs.push_back(std::move(r));
  }
  for (uint32_t i = 0; i < f.cli_runs; ++i) {
    for (bool cold : {true, false}) {
      if (cold && !can_drop) continue;
      QUARRY_ASSIGN_OR_RETURN(json::object r, RunCliSearch(f.quarry, spec, query, cold));
      cli.push_back(std::move(r));
    }
  }
  QUARRY_ASSIGN_OR_RETURN(json::object b, RunProbeMode(spec, "--breakdown", can_drop));
  return json::object{{"name", v.name},
                      {"description", v.description},
                      {"on_disk_vectors", v.on_disk_vectors},
                      {"on_disk_payload", v.on_disk_payload},
                      {"runs", std::move(runs)},
                      {"cli_runs", std::move(cli)},
                      {"breakdown", std::move(b)}};
}

int Run(const Flags& f) {
  Stopwatch total;
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "[storage] %s\n", s.ToString().c_str());
    return s.code() == StatusCode::kNotFound ? 2 : 1;
  };
  Result<ShortDocuments> corpus = ShortDocuments::Load(f.beir_dir, f.seed);
  if (!corpus.ok()) return fail(corpus.status());
  std::error_code ec;
  fs::create_directories(f.work_dir, ec);
  if (ec) return fail(Status::IOError(f.work_dir + ": " + ec.message()));

  std::vector<std::string> queries = corpus->queries();
  if (f.queries != 0 && f.queries < queries.size()) queries.resize(f.queries);
  const std::string queries_file = f.work_dir + "/queries.txt";
  {
    std::string text;
    for (const std::string& q : queries) text += q + "\n";
    if (Status s = WriteFileAtomically(queries_file, text); !s.ok()) return fail(s);
  }
  const Status drop = DropPageCache();
  const bool can_drop = drop.ok();
  if (!can_drop) std::fprintf(stderr, "[storage] %s\n", drop.message().c_str());

  json::object report{{"machine", MachineDescription()},
                      {"label", f.label},
                      {"load_at_start", LoadAverage()},
                      {"page_cache_dropped", can_drop},
                      {"queries", queries.size()},
                      {"options",
                       {{"docs", f.docs},
                        {"dimensions", f.dimensions},
                        {"m", f.m},
                        {"ef_construct", f.ef_construct},
                        {"ingest_docs", f.ingest_docs},
                        {"ingest_docs_single", f.ingest_docs_single},
                        {"policies", Join(f.policies)},
                        {"cold_runs", f.cold_runs},
                        {"warm_runs", f.warm_runs},
                        {"mode", f.mode},
                        {"warm_passes", f.warm_passes},
                        {"seed", f.seed}}}};

  if (!f.skip_ingest) {
    Result<json::array> ingest = RunIngestMatrix(f, *corpus);
    if (!ingest.ok()) return fail(ingest.status());
    report["ingest"] = std::move(ingest).value();
  }

  StorageSetSpec set_spec{.docs = f.docs,
                          .dimensions = f.dimensions,
                          .m = f.m,
                          .ef_construct = f.ef_construct,
                          .seed = f.seed};
  std::fprintf(stderr, "[storage] storage set: %llu documents\n",
               static_cast<unsigned long long>(f.docs));
  Result<StorageSet> set = BuildStorageSet(*corpus, set_spec, f.work_dir, f.rebuild);
  if (!set.ok()) return fail(set.status());
  if (set->reused) std::fprintf(stderr, "[storage]   reused the set built by an earlier run\n");
  json::array files;
  for (const SetFile& file : set->files) {
    files.push_back(json::object{{"path", file.path}, {"bytes", file.bytes}});
  }
  report["set"] = {{"spec", SetSpecJson(set_spec)},
                   {"build", ToJson(set->build)},
                   {"reused", set->reused},
                   {"files", std::move(files)}};

  json::array variants;
  for (const StorageVariant& v : StandardVariants()) {
    if (!f.variants.empty() &&
        std::find(f.variants.begin(), f.variants.end(), v.name) == f.variants.end()) {
      continue;
    }
    Result<json::object> measured =
        MeasureVariant(f, *set, v, queries_file, queries.front(), can_drop);
    if (!measured.ok()) return fail(measured.status());
    variants.push_back(std::move(measured).value());
  }
  report["variants"] = std::move(variants);
  if (can_drop) {
    ProbeSpec spec{f.probe, set->data_dir, kSetCollection, queries_file, 0};
    Result<json::object> scan = RunProbeMode(spec, "--file-scan", /*cold=*/true);
    if (!scan.ok()) return fail(scan.status());
    report["file_scan"] = std::move(scan).value();
  }
  report["load_at_end"] = LoadAverage();
  report["total_s"] = total.ElapsedMillis() / 1000;

  if (Status s = PublishReport(f.out, report, RenderMarkdown(report), "storage"); !s.ok()) {
    return fail(s);
  }
  return 0;
}

}  // namespace
}  // namespace quarry::bench

int main(int argc, char** argv) {
  quarry::bench::Flags f;
  CLI::App app{
      "bench_storage: ingest throughput, cold start, resident memory (docs/benchmarks.md)"};
  app.add_option("--docs", f.docs, "Documents in the set that cold start and memory open")
      ->capture_default_str();
  app.add_option("--dimensions", f.dimensions, "Lexical embedder dimensions")
      ->capture_default_str();
  app.add_option("--m", f.m, "HNSW m")->capture_default_str();
  app.add_option("--ef-construct", f.ef_construct, "HNSW ef_construct")->capture_default_str();
  app.add_option("--ingest-docs", f.ingest_docs, "Documents per ingest run (batched calls)")
      ->capture_default_str();
  app.add_option("--ingest-docs-single", f.ingest_docs_single,
                 "Documents per ingest run with one document per call")
      ->capture_default_str();
  app.add_option("--per-call", f.per_call, "Documents per Upsert call")->capture_default_str();
  app.add_option("--policies", f.policies, "fsync policies to ingest with")->capture_default_str();
  app.add_flag("--skip-ingest", f.skip_ingest, "Only the set: cold start and memory");
  app.add_option("--variants", f.variants,
                 "Storage variants (mmap-vectors, all-ram, all-disk, ram-vectors-disk-payload)");
  app.add_option("--cold-runs", f.cold_runs, "Starts after dropping the page cache, per variant")
      ->capture_default_str();
  app.add_option("--warm-runs", f.warm_runs, "Starts with a warm page cache, per variant")
      ->capture_default_str();
  app.add_option("--cli-runs", f.cli_runs, "`quarry search` runs (cold and warm) per variant")
      ->capture_default_str();
  app.add_option("--warm-passes", f.warm_passes, "Passes over the queries before the warm one")
      ->capture_default_str();
  app.add_option("--mode", f.mode, "Search mode of the latency passes")
      ->check(CLI::IsMember({"hybrid", "vector", "keyword"}))
      ->capture_default_str();
  app.add_option("--queries", f.queries, "Queries per pass (0: all of the dataset's)")
      ->capture_default_str();
  app.add_option("--seed", f.seed, "Seed of the document generator")->capture_default_str();
  app.add_flag("--rebuild", f.rebuild, "Build the set again even if a matching one exists");
  app.add_option("--work-dir", f.work_dir, "Where collections are built")->capture_default_str();
  app.add_option("--beir-dir", f.beir_dir, "BEIR dataset the documents are made from")
      ->capture_default_str();
  app.add_option("--probe", f.probe, "bench_storage_probe binary")->capture_default_str();
  app.add_option("--quarry", f.quarry, "quarry CLI binary")->capture_default_str();
  app.add_option("--out", f.out, "Write the JSON report here (and the tables to .md)");
  app.add_option("--label", f.label, "Free text stored in the report (e.g. the commit)");
  app.add_option("--render", f.render, "Print the tables of an existing JSON report and exit");
  CLI11_PARSE(app, argc, argv);
  if (!f.render.empty()) {
    return quarry::bench::RenderStoredReport(f.render, quarry::bench::RenderMarkdown, "storage");
  }
  return quarry::bench::Run(f);
}
