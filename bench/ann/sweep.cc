#include "sweep.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <thread>
#include <utility>

#include "recall.h"

namespace quarry::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kPlateau = 0.0005;

// CPU time consumed by the calling thread.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct PassTime {
  double wall = 0;  // seconds from release to the last thread finishing
  double cpu = 0;   // CPU seconds of the search threads, summed
};

// One pass over queries [0, count) on `threads` threads.
Result<PassTime> TimedPass(const Engine& engine, const FloatMatrix& queries, size_t count, size_t k,
                           size_t threads, uint32_t* ids) {
  const size_t dims = queries.cols;
  if (threads <= 1) {
    const double c0 = ThreadCpuSeconds();
    const auto t0 = Clock::now();
    QUARRY_RETURN_IF_ERROR(engine.SearchBatch(queries.row(0), count, dims, k, ids));
    return PassTime{std::chrono::duration<double>(Clock::now() - t0).count(),
                    ThreadCpuSeconds() - c0};
  }
  std::atomic<bool> go{false};
  std::vector<Status> status(threads);
  std::vector<double> cpu(threads, 0.0);
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      const size_t begin = count * t / threads;
      const size_t end = count * (t + 1) / threads;
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      const double c0 = ThreadCpuSeconds();
      if (end > begin) {
        status[t] = engine.SearchBatch(queries.row(begin), end - begin, dims, k, ids + begin * k);
      }
      cpu[t] = ThreadCpuSeconds() - c0;
    });
  }
  const auto t0 = Clock::now();
  go.store(true, std::memory_order_release);
  for (std::thread& t : pool) t.join();
  PassTime pass{std::chrono::duration<double>(Clock::now() - t0).count(), 0};
  for (double c : cpu) pass.cpu += c;
  for (const Status& s : status) QUARRY_RETURN_IF_ERROR(s);
  return pass;
}

SweepPoint MeasurePoint(Engine& engine, const Dataset& ds, const GroundTruth& truth,
                        const std::vector<uint32_t>* allowed, const SweepOptions& o,
                        const SearchSetting& setting, bool first) {
  SweepPoint p;
  p.setting = setting;
  p.queries = o.max_queries == 0 ? ds.queries.rows : std::min(o.max_queries, ds.queries.rows);
  if (Status s = engine.Configure(setting); !s.ok()) {
    p.error = s.ToString();
    return p;
  }
  std::vector<uint32_t> ids(p.queries * o.k);
  // The first point of a sweep warms up on every query: the index was just
  // built (or a filter just set) and nothing of it is in the caches yet.
  const size_t warm = first ? p.queries : std::min(o.warmup_queries, p.queries);
  if (warm > 0) {
    if (Status s = engine.SearchBatch(ds.queries.row(0), warm, ds.queries.cols, o.k, ids.data());
        !s.ok()) {
      p.error = s.ToString();
      return p;
    }
  }
  std::vector<uint32_t> scratch(ids.size());
  PassTime best;
  for (size_t rep = 0; rep < std::max<size_t>(o.repetitions, 1); ++rep) {
    auto pass = TimedPass(engine, ds.queries, p.queries, o.k, o.threads,
                          rep == 0 ? ids.data() : scratch.data());
    if (!pass.ok()) {
      p.error = pass.status().ToString();
      return p;
    }
    if (rep == 0 || pass->wall < best.wall) best.wall = pass->wall;
    if (rep == 0 || pass->cpu < best.cpu) best.cpu = pass->cpu;
  }
  const double n = static_cast<double>(p.queries);
  p.qps = best.wall > 0 ? n / best.wall : 0;
  p.cpu_qps = best.cpu > 0 ? n / best.cpu : 0;
  const RecallStats r =
      ComputeRecall(ids.data(), p.queries, o.k, truth, ds.base, ds.queries, ds.metric, allowed);
  p.recall = r.recall;
  p.filter_violations = r.filter_violations;
  p.invalid = r.invalid;
  return p;
}

}  // namespace

std::vector<SweepPoint> RunSweep(Engine& engine, const Dataset& ds, const GroundTruth& truth,
                                 const std::vector<uint32_t>* allowed, const SweepOptions& o) {
  std::vector<SweepPoint> points;
  std::vector<float> oversampling = {0};
  if (engine.uses_oversampling() && !o.oversampling.empty()) oversampling = o.oversampling;
  std::vector<uint32_t> efs = o.efs;
  if (!engine.uses_ef()) efs = {0};
  for (float os : oversampling) {
    uint32_t last_ef = 0;
    std::vector<std::pair<uint32_t, double>> seen;  // (ef, recall) of this oversampling value
    for (uint32_t requested : efs) {
      uint32_t ef = requested;
      // A candidate list shorter than the rescored set is widened to it (as
      // Quarry does); measure each effective ef once.
      if (os > 0 && engine.uses_ef()) {
        ef = std::max(ef, static_cast<uint32_t>(std::ceil(o.k * double{os})));
      }
      if (engine.uses_ef() && (ef < o.k || ef == last_ef)) continue;
      last_ef = ef;
      SweepPoint p = MeasurePoint(engine, ds, truth, allowed, o, {.ef = ef, .oversampling = os},
                                  points.empty());
      std::fprintf(stderr,
                   "[ann]   %-16s %-12s threads=%zu ef=%-4u os=%-4g recall=%.4f qps=%.0f%s%s\n",
                   engine.name().c_str(), ds.name.c_str(), o.threads, ef, os, p.recall, p.qps,
                   p.error.empty() ? "" : " error: ", p.error.c_str());
      // A plateau: doubling ef added less than kPlateau recall (a quantizer
      // without rescoring caps recall; more ef only costs time). Comparing
      // with half the ef, not with the previous point, keeps an engine that
      // widens small ef values internally (same results for ef 10, 12, 16)
      // from looking flat.
      bool plateau = false;
      for (auto it = seen.rbegin(); it != seen.rend(); ++it) {
        if (it->first <= ef / 2) {
          plateau = p.recall - it->second < kPlateau;
          break;
        }
      }
      seen.emplace_back(ef, p.recall);
      const bool stop = !p.error.empty() || p.recall >= o.stop_recall || plateau;
      points.push_back(std::move(p));
      if (stop) break;
    }
  }
  return points;
}

}  // namespace quarry::bench
