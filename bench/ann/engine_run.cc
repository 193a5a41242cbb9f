#include "engine_run.h"

#include <chrono>
#include <cstdio>

#include "engine_registry.h"
#include "process.h"

namespace quarry::bench {

EngineRun RunEngine(const std::string& engine_name, const Dataset& ds,
                    const std::vector<FilteredTruth>& filters, const RunOptions& options) {
  EngineRun run;
  run.engine = engine_name;
  run.dataset = ds.name;
  auto made = MakeEngine(engine_name);
  if (!made.ok()) {
    run.error = made.status().ToString();
    return run;
  }
  Engine& engine = **made;

  BuildConfig build = options.build;
  build.metric = ds.metric;
  (void)ResetPeakResident();  // best effort: without it the peak is the fork-time RSS
  const size_t rss_before = ResidentBytes();
  std::fprintf(stderr, "[ann] building %s on %s (%zu x %zu, M=%zu, efC=%zu, %zu threads)\n",
               engine_name.c_str(), ds.name.c_str(), ds.base.rows, ds.base.cols, build.m,
               build.ef_construction, build.threads);
  const auto t0 = std::chrono::steady_clock::now();
  const Status built = engine.Build(ds.base, build);
  run.build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!built.ok()) {
    run.error = "build: " + built.ToString();
    return run;
  }
  run.rss_delta_bytes = static_cast<int64_t>(ResidentBytes()) - static_cast<int64_t>(rss_before);
  run.peak_rss_delta_bytes =
      static_cast<int64_t>(PeakResidentBytes()) - static_cast<int64_t>(rss_before);
  run.memory = engine.Memory();
  run.details = engine.details();
  std::fprintf(stderr, "[ann] built %s in %.2f s: index %.1f MiB, RSS +%.1f MiB (%s)\n",
               engine_name.c_str(), run.build_s, run.memory.index_bytes / 1048576.0,
               run.rss_delta_bytes / 1048576.0, run.details.c_str());

  SweepOptions sweep = options.sweep;
  if (!engine.uses_ef()) sweep.max_queries = options.flat_max_queries;
  sweep.oversampling =
      engine_name.ends_with("-bq") ? options.bq_oversampling : options.int8_oversampling;
  for (size_t threads : options.search_threads) {
    sweep.threads = threads;
    run.sweeps.push_back({threads, RunSweep(engine, ds, ds.truth, nullptr, sweep)});
  }
  run.load_average = LoadAverage();
  if (!engine.supports_filter()) return run;
  sweep.threads = options.filter_threads;
  for (const FilteredTruth& f : filters) {
    if (Status s = engine.SetFilter(&f.allowed, ds.base.rows); !s.ok()) {
      run.filtered.push_back(
          {f.fraction, f.allowed.size(), sweep.threads, {SweepPoint{.error = s.ToString()}}});
      continue;
    }
    run.filtered.push_back({f.fraction, f.allowed.size(), sweep.threads,
                            RunSweep(engine, ds, f.truth, &f.allowed, sweep)});
  }
  (void)engine.SetFilter(nullptr, ds.base.rows);
  run.load_average = LoadAverage();
  return run;
}

}  // namespace quarry::bench
