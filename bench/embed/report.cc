#include "report.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "common/json_fields.h"
#include "common/markdown_format.h"

namespace quarry::bench {
namespace json = boost::json;
namespace {

// The targets (docs/benchmarks.md, "Embedding").
constexpr double kFloat32VsPeer = 1.5;
constexpr double kFastVsPeer = 3.0;
constexpr double kFastCosine = 0.99;
constexpr double kFastQueryP50Ms = 5.0;
constexpr double kCeilingFraction = 0.5;

const json::object* FindRun(const json::object& report, std::string_view name) {
  for (const json::value& v : Arr(report, "runs")) {
    if (v.is_object() && Str(v.get_object(), "name") == name) return &v.get_object();
  }
  return nullptr;
}

std::string Cosine(const json::object& run, std::string_view key) {
  const json::object& c = Obj(run, key);
  if (c.empty()) return "–";
  return Fmt("%.4f / %.4f", Num(c, "min"), Num(c, "mean"));
}

std::string Met(bool met) { return met ? "**met**" : "**not met**"; }

}  // namespace

json::object CosineSummary(std::span<const float> a, std::span<const float> b, size_t dim) {
  const size_t rows = dim == 0 ? 0 : std::min(a.size(), b.size()) / dim;
  double min = rows ? 1e300 : 0, sum = 0;
  for (size_t r = 0; r < rows; ++r) {
    double dot = 0, na = 0, nb = 0;
    for (size_t i = 0; i < dim; ++i) {
      const double x = a[r * dim + i], y = b[r * dim + i];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    const double c = na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0;
    min = std::min(min, c);
    sum += c;
  }
  return json::object{{"min", min}, {"mean", rows ? sum / rows : 0}, {"rows", rows}};
}

std::string RenderMarkdown(const json::object& report) {
  std::string out;
  const json::object& o = Obj(report, "options");
  out +=
      Fmt("Machine: %s; %d threads; load average (1 min) %.2f at start, %.2f at end; %s\n\n",
          Str(report, "machine").c_str(), static_cast<int>(Num(o, "threads")),
          Num(report, "load_at_start"), Num(report, "load_at_end"), Str(report, "label").c_str());
  out +=
      Fmt("Inputs: %d SciFact passages (title + text, <= %d tokens, %s tokens in all, %.0f per "
          "passage), %d queries (%.1f tokens each); batches of %d sorted by length.\n\n",
          static_cast<int>(Num(report, "passages")), static_cast<int>(Num(o, "max_tokens")),
          Grouped(Num(report, "passage_tokens")).c_str(),
          Num(report, "passage_tokens") / std::max(1.0, Num(report, "passages")),
          static_cast<int>(Num(report, "queries")),
          Num(report, "query_tokens") / std::max(1.0, Num(report, "queries")),
          static_cast<int>(Num(o, "batch")));

  const json::object* peer = FindRun(report, "pytorch-float32");
  const double peer_rate = peer ? Num(*peer, "passages_per_s") : 0;
  const double ceiling = Num(Obj(report, "gemm"), "ceiling_gflops");
  const json::object* openblas_gemm =
      report.contains("gemm_openblas") && report.at("gemm_openblas").is_object()
          ? &report.at("gemm_openblas").get_object()
          : nullptr;
  const double openblas_ceiling = openblas_gemm ? Num(*openblas_gemm, "ceiling_gflops") : 0;
  out +=
      "| runtime | passages/s | tokens/s | vs PyTorch | GFLOP/s | of sgemm ceiling | query p50 ms "
      "| query p99 ms | cosine vs Quarry float32 (min / mean) | cosine vs PyTorch (min / mean) |\n";
  out += "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const json::value& v : Arr(report, "runs")) {
    if (!v.is_object()) continue;
    const json::object& r = v.get_object();
    const json::object& lat = Obj(r, "query_latency");
    const double rate = Num(r, "passages_per_s");
    // Each run against the ceiling of the library it ran on.
    const double its_ceiling =
        Str(r, "gemm_library") == "openblas" && openblas_ceiling > 0 ? openblas_ceiling : ceiling;
    out += Fmt("| %s | %.1f | %s | %s | %.1f | %s | %.2f | %.2f | %s | %s |\n",
               Str(r, "name").c_str(), rate, Grouped(Num(r, "tokens_per_s")).c_str(),
               peer_rate > 0 ? Fmt("%.2fx", rate / peer_rate).c_str() : "–", Num(r, "gflops"),
               its_ceiling > 0 ? Fmt("%.0f %%", 100 * Num(r, "gflops") / its_ceiling).c_str() : "–",
               Num(lat, "p50_ms"), Num(lat, "p99_ms"), Cosine(r, "cosine_vs_float32").c_str(),
               Cosine(r, "cosine_vs_pytorch").c_str());
  }

  const json::object& gemm = Obj(report, "gemm");
  const json::object* openblas = openblas_gemm;
  out += Fmt("\nsgemm ceiling (embed::ParallelLinear on %s%s, %d rows, best of %d):\n\n",
             Str(gemm, "library").c_str(), openblas ? ", and on OpenBLAS" : "",
             static_cast<int>(Num(gemm, "rows")), static_cast<int>(Num(gemm, "reps")));
  out += openblas ? "| shape | m x n x k | GFLOP/s | OpenBLAS GFLOP/s | speed-up over OpenBLAS |\n"
                    "|---|---|--:|--:|--:|\n"
                  : "| shape | m x n x k | GFLOP/s |\n|---|---|--:|\n";
  const json::array& shapes = Arr(gemm, "shapes");
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!shapes[i].is_object()) continue;
    const json::object& s = shapes[i].get_object();
    out += Fmt("| %s | %d x %d x %d | %.1f", Str(s, "name").c_str(), static_cast<int>(Num(s, "m")),
               static_cast<int>(Num(s, "n")), static_cast<int>(Num(s, "k")), Num(s, "gflops"));
    const json::array* other = openblas ? &Arr(*openblas, "shapes") : nullptr;
    if (other && i < other->size() && (*other)[i].is_object()) {
      const double theirs = Num((*other)[i].get_object(), "gflops");
      out += Fmt(" | %.1f | %.2fx", theirs, theirs > 0 ? Num(s, "gflops") / theirs : 0.0);
    }
    out += " |\n";
  }
  if (openblas) {
    out += Fmt("| **the four together (ceiling)** | | **%.1f** | **%.1f** | **%.2fx** |\n", ceiling,
               openblas_ceiling, openblas_ceiling > 0 ? ceiling / openblas_ceiling : 0.0);
  } else {
    out += Fmt("| **the four together (ceiling)** | | **%.1f** |\n", ceiling);
  }

  const json::object* f32 = FindRun(report, "quarry-float32");
  const json::object* fast = FindRun(report, "quarry-int8");
  out += "\nTargets:\n\n";
  if (f32 && peer_rate > 0) {
    const double ratio = Num(*f32, "passages_per_s") / peer_rate;
    out += Fmt("- float32 throughput >= %.1fx PyTorch: %.2fx, %s\n", kFloat32VsPeer, ratio,
               Met(ratio >= kFloat32VsPeer).c_str());
  }
  if (f32 && ceiling > 0) {
    const double frac = Num(*f32, "gflops") / ceiling;
    out += Fmt("- float32 >= %.0f %% of the sgemm ceiling: %.0f %%, %s\n", 100 * kCeilingFraction,
               100 * frac, Met(frac >= kCeilingFraction).c_str());
  }
  if (fast) {
    if (peer_rate > 0) {
      const double ratio = Num(*fast, "passages_per_s") / peer_rate;
      out += Fmt("- fast path (int8) >= %.0fx PyTorch float32: %.2fx, %s\n", kFastVsPeer, ratio,
                 Met(ratio >= kFastVsPeer).c_str());
    }
    const double cmin = Num(Obj(*fast, "cosine_vs_float32"), "min");
    out += Fmt("- fast path cosine vs float32 >= %.2f (every passage): min %.4f, %s\n", kFastCosine,
               cmin, Met(cmin >= kFastCosine).c_str());
    const double p50 = Num(Obj(*fast, "query_latency"), "p50_ms");
    out += Fmt("- fast path single-query p50 < %.0f ms: %.2f ms, %s\n", kFastQueryP50Ms, p50,
               Met(p50 < kFastQueryP50Ms).c_str());
  }
  return out;
}

}  // namespace quarry::bench
