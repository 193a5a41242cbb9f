// bench/ann: Quarry's HNSW index side by side with hnswlib and FAISS on the
// same data, parameters and threads. Prints a Markdown table per dataset and,
// with --out FILE, writes the JSON report to FILE and the tables to FILE.md.
// Method: docs/design/ann-benchmark.md. Usually run through scripts/bench-ann.sh.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "dataset_stats.h"
#include "datasets.h"
#include "engine_registry.h"
#include "engine_run.h"
#include "process.h"
#include "report.h"
#include "results_json.h"

namespace quarry::bench {
namespace {

struct Flags {
  bool quick = false;
  std::vector<std::string> datasets = KnownDatasets();
  std::vector<std::string> engines = KnownEngines();
  std::vector<size_t> threads = {1, 2};
  size_t build_threads = 0;
  size_t m = 32;
  size_t ef_construction = 128;
  std::vector<uint32_t> ef_sweep = {10, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512};
  std::vector<float> int8_oversampling = {0};
  std::vector<float> bq_oversampling = {2, 4, 8, 16};
  size_t k = 10;
  std::string out;
  bool filters = false;
  std::vector<double> filter_fractions = {0.1, 0.01, 0.001};
  size_t reps = 0;  // 0: 3, or 2 with --quick
  size_t warmup = 200;
  double stop_recall = 0.995;
  size_t rows = 0;
  size_t queries = 1000;
  uint64_t seed = 42;
  size_t flat_queries = 200;
  std::string cache_dir = "build/bench-data";
  std::string data_dir = QUARRY_BENCH_SHARED_DATA_DIR;
  std::string label;
  std::string render;
};

std::string MachineDescription() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  std::string model = "unknown CPU";
  while (std::getline(in, line)) {
    if (line.starts_with("model name")) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) model = line.substr(colon + 2);
      break;
    }
  }
  return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " hardware threads";
}

boost::json::object OptionsJson(const Flags& f, const RunOptions& o) {
  namespace json = boost::json;
  json::array efs(f.ef_sweep.begin(), f.ef_sweep.end());
  json::array threads(f.threads.begin(), f.threads.end());
  json::array fractions(f.filter_fractions.begin(), f.filter_fractions.end());
  json::array bq(f.bq_oversampling.begin(), f.bq_oversampling.end());
  json::array i8(f.int8_oversampling.begin(), f.int8_oversampling.end());
  return {{"quick", f.quick},
          {"m", o.build.m},
          {"ef_construction", o.build.ef_construction},
          {"build_threads", o.build.threads},
          {"search_threads", std::move(threads)},
          {"ef_sweep", std::move(efs)},
          {"int8_oversampling", std::move(i8)},
          {"bq_oversampling", std::move(bq)},
          {"k", f.k},
          {"repetitions", o.sweep.repetitions},
          {"warmup_queries", f.warmup},
          {"stop_recall", f.stop_recall},
          {"synthetic_rows", f.rows},
          {"queries", f.queries},
          {"seed", f.seed},
          {"filters", f.filters ? json::value(std::move(fractions)) : json::value(nullptr)}};
}

Status WriteFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::IOError(tmp + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError(path + ": rename failed");
  return Status::Ok();
}

std::string MarkdownPath(const std::string& json_path) {
  const size_t dot = json_path.rfind('.');
  const size_t slash = json_path.rfind('/');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash) &&
      json_path.substr(dot) == ".json") {
    return json_path.substr(0, dot) + ".md";
  }
  return json_path + ".md";
}

int Render(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    std::fprintf(stderr, "[ann] cannot read %s\n", path.c_str());
    return 1;
  }
  auto saved = ParseJsonReport(text);
  if (!saved.ok()) {
    std::fprintf(stderr, "[ann] %s: %s\n", path.c_str(), saved.status().ToString().c_str());
    return 1;
  }
  std::fputs(MarkdownReport(saved->ctx, saved->runs).c_str(), stdout);
  return 0;
}

int Run(const Flags& f, const std::string& command) {
  RunOptions opt;
  opt.build.m = f.m;
  opt.build.ef_construction = f.ef_construction;
  opt.build.seed = f.seed;
  size_t max_threads = 1;
  for (size_t t : f.threads) max_threads = std::max(max_threads, t);
  opt.build.threads = f.build_threads != 0 ? f.build_threads : max_threads;
  opt.search_threads = f.threads;
  opt.sweep.efs = f.ef_sweep;
  opt.sweep.k = f.k;
  opt.sweep.repetitions = f.reps != 0 ? f.reps : (f.quick ? 2 : 3);
  opt.sweep.warmup_queries = f.warmup;
  opt.sweep.stop_recall = f.stop_recall;
  opt.int8_oversampling = f.int8_oversampling;
  opt.bq_oversampling = f.bq_oversampling;
  opt.flat_max_queries = f.flat_queries;

  DatasetOptions dopt;
  dopt.data_dir = f.data_dir;
  dopt.cache_dir = f.cache_dir;
  dopt.synthetic_rows = f.rows != 0 ? f.rows : (f.quick ? 100000 : 1000000);
  dopt.synthetic_queries = f.queries;
  dopt.seed = f.seed;
  dopt.threads = std::max(1u, std::thread::hardware_concurrency());
  Flags shown = f;
  shown.rows = dopt.synthetic_rows;

  ReportContext ctx;
  ctx.label = f.label;
  ctx.command = command;
  ctx.machine = MachineDescription();
  ctx.options = OptionsJson(shown, opt);
  std::vector<EngineRun> runs;
  int failures = 0;

  for (const std::string& name : f.datasets) {
    auto loaded = LoadDataset(name, dopt);
    if (!loaded.ok()) {
      std::fprintf(stderr, "[ann] dataset %s: %s\n", name.c_str(),
                   loaded.status().ToString().c_str());
      ++failures;
      continue;
    }
    const Dataset& ds = *loaded;
    const std::string stats = FormatStats(DescribeDataset(ds, f.seed));
    std::fprintf(stderr, "[ann] %s: %s\n", ds.name.c_str(), stats.c_str());
    ctx.datasets.push_back({ds.name, ds.description, ds.base.rows, ds.base.cols, ds.queries.rows,
                            std::string(MetricName(ds.metric)), stats, ds.reference_stats});
    std::vector<FilteredTruth> filters;
    if (f.filters) {
      for (double frac : f.filter_fractions) {
        auto ft = MakeFilteredTruth(ds, frac, f.k, dopt);
        if (!ft.ok()) {
          std::fprintf(stderr, "[ann] filter %g: %s\n", frac, ft.status().ToString().c_str());
          ++failures;
          continue;
        }
        filters.push_back(std::move(ft).value());
      }
    }
    for (const std::string& engine : f.engines) {
      auto text = RunIsolated([&] {
        return boost::json::serialize(EngineRunToJson(RunEngine(engine, ds, filters, opt)));
      });
      EngineRun run;
      if (text.ok()) {
        auto parsed = EngineRunFromJson(*text);
        if (parsed.ok()) {
          run = std::move(parsed).value();
        } else {
          run.error = parsed.status().ToString();
        }
      } else {
        run.error = text.status().ToString();
      }
      run.engine = engine;
      run.dataset = ds.name;
      if (!run.error.empty()) {
        std::fprintf(stderr, "[ann] %s on %s failed: %s\n", engine.c_str(), ds.name.c_str(),
                     run.error.c_str());
        ++failures;
      }
      runs.push_back(std::move(run));
      if (!f.out.empty()) {  // keep partial results of a long run
        (void)WriteFile(f.out, JsonReport(ctx, runs));
        (void)WriteFile(MarkdownPath(f.out), MarkdownReport(ctx, runs));
      }
    }
  }

  const std::string md = MarkdownReport(ctx, runs);
  std::fputs(md.c_str(), stdout);
  if (!f.out.empty()) {
    for (const Status& s :
         {WriteFile(f.out, JsonReport(ctx, runs)), WriteFile(MarkdownPath(f.out), md)}) {
      if (!s.ok()) {
        std::fprintf(stderr, "[ann] %s\n", s.ToString().c_str());
        return 1;
      }
    }
    std::fprintf(stderr, "[ann] wrote %s and %s\n", f.out.c_str(), MarkdownPath(f.out).c_str());
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace quarry::bench

int main(int argc, char** argv) {
  using quarry::bench::Flags;
  Flags f;
  CLI::App app{"bench/ann: Quarry vs hnswlib vs FAISS, recall / QPS / memory / build time"};
  app.add_flag("--quick", f.quick, "synthetic sets at 100,000 rows instead of 1,000,000");
  app.add_option("--datasets", f.datasets, "fmnistsmall,bigann10k,minilm384,gauss128")
      ->delimiter(',');
  app.add_option("--engines", f.engines,
                 "flat,hnswlib,faiss-hnsw-flat,faiss-hnsw-sq8,quarry-f32,quarry-int8,quarry-bq,"
                 "quarry-scan-f32,quarry-scan-int8,quarry-scan-bq")
      ->delimiter(',');
  app.add_option("--threads", f.threads, "search thread counts to measure")->delimiter(',');
  app.add_option("--build-threads", f.build_threads, "build threads (default: max of --threads)");
  app.add_option("--m", f.m, "HNSW M (2*M links on level 0)");
  app.add_option("--ef-construction", f.ef_construction, "HNSW efConstruction");
  app.add_option("--ef-sweep", f.ef_sweep, "search ef values")->delimiter(',');
  app.add_option("--int8-oversampling", f.int8_oversampling,
                 "quarry-int8 and quarry-scan-int8 oversampling (0 = Quarry default, 2)")
      ->delimiter(',');
  app.add_option("--bq-oversampling", f.bq_oversampling,
                 "quarry-bq and quarry-scan-bq oversampling values")
      ->delimiter(',');
  app.add_option("--k", f.k, "neighbours per query (recall@k)");
  app.add_option("--out", f.out, "write the JSON report here and the tables to FILE.md");
  app.add_flag("--filters", f.filters, "also run filtered searches (engines that support them)");
  app.add_option("--filter-fractions", f.filter_fractions, "fractions of rows a filter keeps")
      ->delimiter(',');
  app.add_option("--reps", f.reps,
                 "timed passes per point, the fastest counts (default 3; 2 with --quick)");
  app.add_option("--warmup", f.warmup, "warm-up queries per point");
  app.add_option("--stop-recall", f.stop_recall, "stop raising ef once recall reaches this");
  app.add_option("--rows", f.rows, "rows of the synthetic sets (overrides --quick)");
  app.add_option("--queries", f.queries, "held-out queries of the synthetic sets");
  app.add_option("--seed", f.seed, "seed of generators, filters and index builds");
  app.add_option("--flat-queries", f.flat_queries, "queries timed for the exact scan");
  app.add_option("--cache-dir", f.cache_dir, "generated data and ground truth cache");
  app.add_option("--data-dir", f.data_dir, "the shared data folder");
  app.add_option("--label", f.label, "a label for the report (e.g. the git commit)");
  app.add_option("--render", f.render,
                 "print the tables of a saved JSON report (from --out) and measure nothing");
  CLI11_PARSE(app, argc, argv);

  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
  if (!f.render.empty()) return quarry::bench::Render(f.render);
  return quarry::bench::Run(f, command);
}
