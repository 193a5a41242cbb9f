#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "interpolate.h"
#include "results_json.h"

namespace quarry::bench {
namespace {

std::string Fmt(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string Mib(double bytes) { return Fmt("%.1f", bytes / 1048576.0); }

// 12345.6 -> "12,346".
std::string Thousands(double v) {
  std::string digits = Fmt("%.0f", v);
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - i - 1) % 3 == 0 && i + 1 < n && digits[i] != '-') out += ',';
  }
  return out;
}

// Appends " text |".
void Cell(std::string& md, const std::string& text) {
  md += ' ';
  md += text;
  md += " |";
}

std::string QpsCell(const std::vector<SweepPoint>& points, double recall) {
  const QpsEstimate e = QpsAtRecall(points, recall);
  if (!e.qps) return "—";
  return (e.lower_bound ? "≥" : "") + Thousands(*e.qps);
}

double MaxRecall(const std::vector<SweepPoint>& points) {
  double m = 0;
  for (const SweepPoint& p : points) m = std::max(m, p.error.empty() ? p.recall : 0.0);
  return m;
}

std::string Setting(const SweepPoint& p) {
  if (p.setting.ef == 0) return "exact scan";
  std::string s = "ef=" + std::to_string(p.setting.ef);
  if (p.setting.oversampling > 0) s += Fmt(", oversampling=%g", p.setting.oversampling);
  return s;
}

const EngineRun* Find(const std::vector<EngineRun>& runs, const std::string& dataset,
                      const std::string& engine) {
  for (const EngineRun& r : runs) {
    if (r.dataset == dataset && r.engine == engine && r.error.empty()) return &r;
  }
  return nullptr;
}

const std::vector<SweepPoint>* SweepFor(const EngineRun& r, size_t threads) {
  for (const ThreadSweep& s : r.sweeps) {
    if (s.threads == threads) return &s.points;
  }
  return nullptr;
}

void TargetLines(const std::vector<EngineRun>& runs, const std::string& dataset, std::string& md) {
  const EngineRun* q = Find(runs, dataset, "quarry-int8");
  const EngineRun* h = Find(runs, dataset, "hnswlib");
  const EngineRun* f = Find(runs, dataset, "faiss-hnsw-sq8");
  if (q == nullptr || (h == nullptr && f == nullptr)) return;
  md += "\nIssue targets (stated for minilm384 at 1M, one thread), quarry-int8 here:\n\n";
  const std::vector<SweepPoint>* qs = SweepFor(*q, 1);
  const QpsEstimate q95e = qs != nullptr ? QpsAtRecall(*qs, 0.95) : QpsEstimate{};
  const auto q95 = q95e.qps;
  const auto q95_cpu = qs != nullptr ? QpsAtRecall(ByCpuTime(*qs), 0.95).qps : std::nullopt;
  auto ratio_line = [&](const EngineRun* peer, const char* what, double goal, bool strictly) {
    if (peer == nullptr) return;
    const std::vector<SweepPoint>* ps = SweepFor(*peer, 1);
    const QpsEstimate p95 = ps != nullptr ? QpsAtRecall(*ps, 0.95) : QpsEstimate{};
    const QpsEstimate p95_cpu = ps != nullptr ? QpsAtRecall(ByCpuTime(*ps), 0.95) : QpsEstimate{};
    md += std::string("- QPS at recall 0.95 vs ") + what + ": ";
    if (!q95 || !p95.qps) {
      md += "not measurable (recall not reached)\n";
      return;
    }
    const double r = *q95 / p95.qps.value_or(1);
    const bool met = strictly ? r > goal : r >= goal;
    md += Fmt("%.2fx", r);
    if (q95_cpu && p95_cpu.qps) md += Fmt(" (by CPU time %.2fx)", *q95_cpu / *p95_cpu.qps);
    md += std::string(" (target ") + (strictly ? "> " : "≥ ") + Fmt("%.1fx", goal) + ": " +
          (met ? "met" : "NOT met") + ")";
    if (q95e.lower_bound || p95.lower_bound) {
      md += "; only indicative: a figure is a lower bound (its sweep starts above 0.95)";
    }
    md += "\n";
  };
  ratio_line(h, "hnswlib", 1.5, false);
  ratio_line(f, "faiss-hnsw-sq8", 1.0, true);
  if (h != nullptr) {
    const double mem = static_cast<double>(q->memory.index_bytes) /
                       static_cast<double>(std::max<size_t>(h->memory.index_bytes, 1));
    md += "- resident index (graph + codes) vs hnswlib's index: " + Fmt("%.0f%%", 100 * mem) +
          " (target ≤ 40%: " + (mem <= 0.40 ? "met" : "NOT met") + ")\n";
    const double b = q->build_s / std::max(h->build_s, 1e-9);
    md += "- build time vs hnswlib: " + Fmt("%.2fx", b) +
          " (target ≤ 1.0x: " + (b <= 1.0 ? "met" : "NOT met") + ")\n";
  }
  for (const FilterSweep& fs : q->filtered) {
    const double m = MaxRecall(fs.points);
    md += "- filter keeping " + Fmt("%g%%", 100 * fs.fraction) + ": best recall@10 " +
          Fmt("%.4f", m) + " (target ≥ 0.95: " + (m >= 0.95 ? "met" : "NOT met") + ")\n";
  }
}

}  // namespace

std::string MarkdownReport(const ReportContext& ctx, const std::vector<EngineRun>& runs) {
  std::string md;
  md += "Machine: " + ctx.machine + "\n";
  if (!ctx.label.empty()) md += "Build: " + ctx.label + "\n";
  md += "Command: `" + ctx.command + "`\n";

  // The thread counts measured, in order of first appearance.
  std::vector<size_t> thread_counts;
  for (const EngineRun& r : runs) {
    for (const ThreadSweep& s : r.sweeps) {
      if (std::find(thread_counts.begin(), thread_counts.end(), s.threads) == thread_counts.end()) {
        thread_counts.push_back(s.threads);
      }
    }
  }

  for (const DatasetInfo& ds : ctx.datasets) {
    md += "\n### " + ds.name + " (" + Thousands(static_cast<double>(ds.rows)) + " x " +
          std::to_string(ds.dims) + ", " + Thousands(static_cast<double>(ds.queries)) +
          " queries, " + ds.metric + ")\n\n" + ds.description + ".\n";
    if (!ds.stats.empty()) md += "Neighbourhoods: " + ds.stats + ".\n";
    if (!ds.reference_stats.empty()) {
      md += "The real embeddings it imitates, among themselves: " + ds.reference_stats + ".\n";
    }
    md += "\n";
    md += "| engine | build s | index MiB | + rescore vectors MiB | RSS Δ MiB |";
    std::string rule = "|---|--:|--:|--:|--:|";
    for (size_t t : thread_counts) {
      for (double r : ReportedRecalls()) {
        md += " QPS@" + RecallKey(r) + " " + std::to_string(t) + "T |";
        rule += "--:|";
      }
    }
    md += " QPS@0.95 1T by CPU time | max recall | load |\n" + rule + "--:|--:|--:|\n";
    for (const EngineRun& r : runs) {
      if (r.dataset != ds.name) continue;
      if (!r.error.empty()) {
        md += "| " + r.engine + " | failed: " + r.error + " |\n";
        continue;
      }
      md += "| " + r.engine + " | " + Fmt("%.2f", r.build_s) + " | " + Mib(r.memory.index_bytes) +
            " | " + (r.memory.rescore_vector_bytes ? Mib(r.memory.rescore_vector_bytes) : "–") +
            " | " + Mib(static_cast<double>(r.rss_delta_bytes)) + " |";
      double max_recall = 0;
      for (size_t t : thread_counts) {
        const std::vector<SweepPoint>* s = SweepFor(r, t);
        for (double rc : ReportedRecalls()) Cell(md, s ? QpsCell(*s, rc) : "");
        if (s) max_recall = std::max(max_recall, MaxRecall(*s));
      }
      const std::vector<SweepPoint>* one = SweepFor(r, 1);
      Cell(md, one ? QpsCell(ByCpuTime(*one), 0.95) : "");
      Cell(md, Fmt("%.4f", max_recall));
      Cell(md, Fmt("%.1f", r.load_average));
      md += "\n";
    }

    // The setting each engine needs for recall 0.95 on one thread.
    md +=
        "\n| engine | fastest setting with recall@10 ≥ 0.95 (1T) | recall | QPS |\n"
        "|---|---|--:|--:|\n";
    for (const EngineRun& r : runs) {
      if (r.dataset != ds.name || !r.error.empty() || r.sweeps.empty()) continue;
      const auto best = FastestAtRecall(r.sweeps.front().points, 0.95);
      if (best) {
        md += "| " + r.engine + " | " + Setting(*best) + " | " + Fmt("%.4f", best->recall) + " | " +
              Thousands(best->qps) + " |\n";
      } else {
        md += "| " + r.engine + " | not reached (best " +
              Fmt("%.4f", MaxRecall(r.sweeps.front().points)) + ") | | |\n";
      }
    }

    bool any_filtered = false;
    for (const EngineRun& r : runs) any_filtered |= r.dataset == ds.name && !r.filtered.empty();
    if (any_filtered) {
      md +=
          "\n| engine | filter keeps | rows | max recall | QPS@0.90 | QPS@0.95 | QPS@0.99 |"
          "\n|---|--:|--:|--:|--:|--:|--:|\n";
      for (const EngineRun& r : runs) {
        if (r.dataset != ds.name) continue;
        for (const FilterSweep& f : r.filtered) {
          size_t violations = 0;
          for (const SweepPoint& p : f.points) violations += p.filter_violations;
          md +=
              "| " + r.engine + " (" + std::to_string(f.threads) + "T) | " +
              Fmt("%g%%", 100 * f.fraction) + " | " + std::to_string(f.allowed_rows) + " | " +
              Fmt("%.4f", MaxRecall(f.points)) +
              (violations ? " (" + std::to_string(violations) + " rows outside the filter!)" : "") +
              " |";
          for (double rc : ReportedRecalls()) Cell(md, QpsCell(f.points, rc));
          md += "\n";
        }
      }
    }
    TargetLines(runs, ds.name, md);
  }
  md +=
      "\nQPS is wall-clock over all queries (the fastest pass); \"by CPU time\" divides by "
      "the search threads' CPU seconds instead, which other processes on the machine disturb "
      "far less. QPS at a recall is interpolated on each sweep's Pareto frontier (log QPS, linear "
      "in "
      "recall); — = never reached; ≥ = every point of the sweep was above that recall. "
      "Index MiB is what each index reports (Quarry: graph + codes); RSS Δ is the growth of "
      "the process across the build; load is the machine's 1-minute load average after the "
      "sweeps (above the thread count, other work competed for the cores). "
      "Method: docs/design/ann-benchmark.md.\n";
  return md;
}

std::string JsonReport(const ReportContext& ctx, const std::vector<EngineRun>& runs) {
  namespace json = boost::json;
  json::array datasets;
  for (const DatasetInfo& d : ctx.datasets) {
    datasets.push_back(json::object{{"name", d.name},
                                    {"description", d.description},
                                    {"rows", d.rows},
                                    {"dims", d.dims},
                                    {"queries", d.queries},
                                    {"metric", d.metric},
                                    {"neighbourhoods", d.stats},
                                    {"reference_neighbourhoods", d.reference_stats}});
  }
  json::array results;
  for (const EngineRun& r : runs) results.push_back(EngineRunToJson(r));
  json::object doc{{"benchmark", "bench/ann"},     {"label", ctx.label},
                   {"command", ctx.command},       {"machine", ctx.machine},
                   {"options", ctx.options},       {"datasets", std::move(datasets)},
                   {"results", std::move(results)}};
  return json::serialize(doc) + "\n";
}

Result<SavedReport> ParseJsonReport(std::string_view text) {
  namespace json = boost::json;
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::Corruption("not a bench/ann JSON report");
  const json::object& doc = v.get_object();
  auto str = [](const json::object& o, std::string_view key) {
    const json::value* s = o.if_contains(key);
    return s != nullptr && s->is_string() ? std::string(s->get_string()) : std::string();
  };
  auto num = [](const json::object& o, std::string_view key) -> size_t {
    const json::value* n = o.if_contains(key);
    if (n == nullptr) return 0;
    if (n->is_uint64()) return n->get_uint64();
    if (n->is_int64()) return static_cast<size_t>(n->get_int64());
    return 0;
  };
  SavedReport saved;
  saved.ctx.label = str(doc, "label");
  saved.ctx.command = str(doc, "command");
  saved.ctx.machine = str(doc, "machine");
  if (const json::value* o = doc.if_contains("options"); o != nullptr && o->is_object()) {
    saved.ctx.options = o->get_object();
  }
  if (const json::value* ds = doc.if_contains("datasets"); ds != nullptr && ds->is_array()) {
    for (const json::value& d : ds->get_array()) {
      if (!d.is_object()) continue;
      const json::object& o = d.get_object();
      saved.ctx.datasets.push_back({str(o, "name"), str(o, "description"), num(o, "rows"),
                                    num(o, "dims"), num(o, "queries"), str(o, "metric"),
                                    str(o, "neighbourhoods"), str(o, "reference_neighbourhoods")});
    }
  }
  const json::value* results = doc.if_contains("results");
  if (results == nullptr || !results->is_array()) {
    return Status::Corruption("report has no results array");
  }
  for (const json::value& r : results->get_array()) {
    QUARRY_ASSIGN_OR_RETURN(EngineRun run, EngineRunFromJson(r));
    saved.runs.push_back(std::move(run));
  }
  return saved;
}

}  // namespace quarry::bench
