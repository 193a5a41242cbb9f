#include "results_json.h"

#include <cstdio>

#include "interpolate.h"

namespace quarry::bench {
namespace json = boost::json;
namespace {

json::object QpsAtRecallJson(const std::vector<SweepPoint>& points, json::object* lower_bounds) {
  json::object out;
  for (double r : ReportedRecalls()) {
    const QpsEstimate e = QpsAtRecall(points, r);
    if (e.qps) {
      out[RecallKey(r)] = *e.qps;
    } else {
      out[RecallKey(r)] = nullptr;
    }
    if (lower_bounds != nullptr && e.lower_bound) (*lower_bounds)[RecallKey(r)] = true;
  }
  return out;
}

json::array SweepJson(const std::vector<SweepPoint>& points) {
  json::array a;
  for (const SweepPoint& p : points) {
    json::object o{{"ef", p.setting.ef},
                   {"oversampling", p.setting.oversampling},
                   {"recall", p.recall},
                   {"qps", p.qps},
                   {"cpu_qps", p.cpu_qps},
                   {"queries", p.queries},
                   {"filter_violations", p.filter_violations},
                   {"invalid", p.invalid}};
    if (!p.error.empty()) o["error"] = p.error;
    a.push_back(std::move(o));
  }
  return a;
}

double Num(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return 0;
}

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::vector<SweepPoint> SweepFromJson(const json::value* v) {
  std::vector<SweepPoint> points;
  if (v == nullptr || !v->is_array()) return points;
  for (const json::value& e : v->get_array()) {
    if (!e.is_object()) continue;
    const json::object& o = e.get_object();
    SweepPoint p;
    p.setting.ef = static_cast<uint32_t>(Num(o, "ef"));
    p.setting.oversampling = static_cast<float>(Num(o, "oversampling"));
    p.recall = Num(o, "recall");
    p.qps = Num(o, "qps");
    p.cpu_qps = Num(o, "cpu_qps");
    p.queries = static_cast<size_t>(Num(o, "queries"));
    p.filter_violations = static_cast<size_t>(Num(o, "filter_violations"));
    p.invalid = static_cast<size_t>(Num(o, "invalid"));
    p.error = Str(o, "error");
    points.push_back(std::move(p));
  }
  return points;
}

}  // namespace

const std::vector<double>& ReportedRecalls() {
  static const std::vector<double> kRecalls = {0.90, 0.95, 0.99};
  return kRecalls;
}

std::string RecallKey(double recall) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", recall);
  return buf;
}

json::object EngineRunToJson(const EngineRun& run) {
  json::object o{{"engine", run.engine},
                 {"dataset", run.dataset},
                 {"details", run.details},
                 {"build_s", run.build_s},
                 {"memory_bytes", run.memory.index_bytes},
                 {"rescore_vector_bytes", run.memory.rescore_vector_bytes},
                 {"memory_how", run.memory.how},
                 {"rss_delta_bytes", run.rss_delta_bytes},
                 {"peak_rss_delta_bytes", run.peak_rss_delta_bytes},
                 {"load_average", run.load_average}};
  if (!run.error.empty()) o["error"] = run.error;
  if (!run.sweeps.empty()) {
    json::object bounds;
    o["qps_at_recall"] = QpsAtRecallJson(run.sweeps.front().points, &bounds);
    o["qps_at_recall_threads"] = run.sweeps.front().threads;
    o["cpu_qps_at_recall"] = QpsAtRecallJson(ByCpuTime(run.sweeps.front().points), nullptr);
    if (!bounds.empty()) o["qps_at_recall_lower_bound"] = std::move(bounds);
  }
  json::object threads;
  for (const ThreadSweep& s : run.sweeps) {
    threads[std::to_string(s.threads)] =
        json::object{{"qps_at_recall", QpsAtRecallJson(s.points, nullptr)},
                     {"cpu_qps_at_recall", QpsAtRecallJson(ByCpuTime(s.points), nullptr)},
                     {"sweep", SweepJson(s.points)}};
  }
  o["threads"] = std::move(threads);
  json::array filtered;
  for (const FilterSweep& f : run.filtered) {
    double max_recall = 0;
    for (const SweepPoint& p : f.points) max_recall = std::max(max_recall, p.recall);
    filtered.push_back(json::object{{"fraction", f.fraction},
                                    {"allowed_rows", f.allowed_rows},
                                    {"threads", f.threads},
                                    {"max_recall", max_recall},
                                    {"qps_at_recall", QpsAtRecallJson(f.points, nullptr)},
                                    {"sweep", SweepJson(f.points)}});
  }
  o["filtered"] = std::move(filtered);
  return o;
}

Result<EngineRun> EngineRunFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Status::Corruption("engine result is not JSON: " + ec.message());
  return EngineRunFromJson(v);
}

Result<EngineRun> EngineRunFromJson(const json::value& v) {
  if (!v.is_object()) return Status::Corruption("engine result is not a JSON object");
  const json::object& o = v.get_object();
  EngineRun run;
  run.engine = Str(o, "engine");
  run.dataset = Str(o, "dataset");
  run.details = Str(o, "details");
  run.error = Str(o, "error");
  run.build_s = Num(o, "build_s");
  run.memory.index_bytes = static_cast<size_t>(Num(o, "memory_bytes"));
  run.memory.rescore_vector_bytes = static_cast<size_t>(Num(o, "rescore_vector_bytes"));
  run.memory.how = Str(o, "memory_how");
  run.rss_delta_bytes = static_cast<int64_t>(Num(o, "rss_delta_bytes"));
  run.peak_rss_delta_bytes = static_cast<int64_t>(Num(o, "peak_rss_delta_bytes"));
  run.load_average = Num(o, "load_average");
  if (const json::value* t = o.if_contains("threads"); t != nullptr && t->is_object()) {
    for (const auto& [key, value] : t->get_object()) {
      if (!value.is_object()) continue;
      run.sweeps.push_back(
          {static_cast<size_t>(std::strtoull(std::string(key).c_str(), nullptr, 10)),
           SweepFromJson(value.get_object().if_contains("sweep"))});
    }
  }
  if (const json::value* f = o.if_contains("filtered"); f != nullptr && f->is_array()) {
    for (const json::value& e : f->get_array()) {
      if (!e.is_object()) continue;
      const json::object& fo = e.get_object();
      run.filtered.push_back({Num(fo, "fraction"), static_cast<size_t>(Num(fo, "allowed_rows")),
                              static_cast<size_t>(Num(fo, "threads")),
                              SweepFromJson(fo.if_contains("sweep"))});
    }
  }
  return run;
}

}  // namespace quarry::bench
