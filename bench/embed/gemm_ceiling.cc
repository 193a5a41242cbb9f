#include "gemm_ceiling.h"

#include <algorithm>
#include <boost/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/stopwatch.h"
#include "embed/bert_ops.h"
#include "embed/gemm.h"

namespace quarry::bench {
namespace json = boost::json;

json::object MeasureGemmCeiling(const embed::BertConfig& config, size_t rows, int reps,
                                int threads) {
  embed::WorkerGroup workers(std::max(1, threads));
  const size_t h = config.hidden_size, inter = config.intermediate_size;
  struct Shape {
    const char* name;
    size_t in, out;
  };
  const Shape shapes[] = {
      {"qkv", h, 3 * h}, {"attention_output", h, h}, {"ffn_up", h, inter}, {"ffn_down", inter, h}};
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  json::array per_shape;
  double total_flops = 0, total_ms = 0;
  for (const Shape& s : shapes) {
    std::vector<float> x(rows * s.in), w(s.out * s.in), b(s.out), y(rows * s.out);
    for (float& v : x) v = dist(rng);
    for (float& v : w) v = dist(rng);
    embed::ParallelLinear(workers, x.data(), rows, s.in, w.data(), b.data(), s.out,
                          y.data());  // warm-up
    double best = 1e300;
    for (int r = 0; r < reps; ++r) {
      Stopwatch clock;
      embed::ParallelLinear(workers, x.data(), rows, s.in, w.data(), b.data(), s.out, y.data());
      best = std::min(best, clock.ElapsedMillis());
    }
    const double flops = 2.0 * static_cast<double>(rows * s.in * s.out);
    total_flops += flops;
    total_ms += best;
    per_shape.push_back(json::object{{"name", s.name},
                                     {"m", rows},
                                     {"n", s.out},
                                     {"k", s.in},
                                     {"best_ms", best},
                                     {"gflops", flops / best / 1e6}});
  }
  return json::object{{"library", embed::GemmLibraryName(embed::CurrentGemmLibrary())},
                      {"rows", rows},
                      {"reps", reps},
                      {"shapes", std::move(per_shape)},
                      {"ceiling_gflops", total_flops / total_ms / 1e6}};
}

double ForwardFlops(const embed::BertConfig& config, const TokenIds& ids) {
  const double h = config.hidden_size, inter = config.intermediate_size;
  const double linear_per_token = 2.0 * (3 * h * h + h * h + 2 * h * inter);
  double flops = 0;
  for (const std::vector<int32_t>& seq : ids) {
    const double n = static_cast<double>(seq.size());
    flops += n * linear_per_token + 4.0 * n * n * h;
  }
  return flops * config.num_layers;
}

}  // namespace quarry::bench
