// bench/embed: the `local` encoder against PyTorch on the same weights and
// the same token ids, in one run on one machine: passage throughput
// (SciFact, length-sorted batches), single-query latency, the sgemm ceiling
// of this machine on the model's shapes, and how close the fast path's
// vectors stay to float32's. Prints Markdown tables and, with --out FILE,
// writes the JSON report to FILE and the tables to FILE.md.
// Usually run through scripts/bench-embed.sh; results in docs/benchmarks.md.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/stopwatch.h"
#include "common/child_process.h"
#include "common/json_fields.h"
#include "common/latency.h"
#include "common/proc_stats.h"
#include "common/report_file.h"
#include "embed/bert_config.h"
#include "embed/bert_encoder.h"
#include "embed/bert_ops.h"
#include "embed/gemm.h"
#include "gemm_ceiling.h"
#include "inputs.h"
#include "report.h"

namespace quarry::bench {
namespace {
namespace json = boost::json;
namespace fs = std::filesystem;

struct Flags {
  std::string model;
  std::string tokenizer = std::string(QUARRY_BENCH_SHARED_DIR) + "/models/all-MiniLM-L6-v2";
  std::string beir_dir = std::string(QUARRY_BENCH_SHARED_DIR) + "/data/beir/scifact";
  size_t passages = 2000;
  size_t queries = 0;  // 0: all
  size_t max_tokens = 256;
  int threads = 2;
  size_t batch = 32;
  std::vector<std::string> precisions = {"float32", "int8", "float32-openblas"};
  bool skip_peer = false;
  // Extra PyTorch runs with other thread counts, for context (the ratios
  // stay against the run with --threads).
  std::vector<int> extra_peer_threads;
  std::string python = "/usr/bin/python3";
  std::string peer = std::string(QUARRY_BENCH_SOURCE_DIR) + "/bench/embed/torch_peer.py";
  size_t gemm_rows = 8192;
  int gemm_reps = 3;
  std::string work_dir = "build-bench/bench-embed";
  std::string out;
  std::string label;
  std::string render;
};

struct Run {
  json::object report;
  std::vector<float> embeddings;
};

// The figures every runtime reports.
json::object Figures(std::string name, const EmbedInputs& in, const embed::BertConfig& config,
                     double seconds, std::vector<double> query_ms) {
  return json::object{{"name", std::move(name)},
                      {"passage_s", seconds},
                      {"passages_per_s", static_cast<double>(in.passages.size()) / seconds},
                      {"tokens_per_s", static_cast<double>(TotalTokens(in.passages)) / seconds},
                      {"gflops", ForwardFlops(config, in.passages) / seconds / 1e9},
                      {"query_latency", ToJson(Summarize(std::move(query_ms)))}};
}

// Selects a matrix-multiply library for its lifetime.
class ScopedGemmLibrary {
 public:
  explicit ScopedGemmLibrary(embed::GemmLibrary library) : saved_(embed::CurrentGemmLibrary()) {
    embed::SetGemmLibrary(library);
  }
  ~ScopedGemmLibrary() { embed::SetGemmLibrary(saved_); }
  ScopedGemmLibrary(const ScopedGemmLibrary&) = delete;
  ScopedGemmLibrary& operator=(const ScopedGemmLibrary&) = delete;

 private:
  embed::GemmLibrary saved_;
};

Result<Run> RunQuarry(const Flags& f, const EmbedInputs& in, const embed::BertConfig& config,
                      embed::Precision precision, const std::string& name) {
  std::shared_ptr<Env> env = NewPosixEnv();
  embed::BertEncoderOptions options;
  options.max_batch = f.batch;
  options.num_threads = f.threads;
  options.precision = precision;
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<embed::BertEncoder> encoder,
                          embed::BertEncoder::Load(*env, f.model, options));
  const size_t h = config.hidden_size;
  Run run;
  run.embeddings.resize(in.passages.size() * h);
  const size_t warm = std::min(in.passages.size(), f.batch);
  QUARRY_RETURN_IF_ERROR(encoder->Encode(std::span(in.passages.data(), warm),
                                         std::span(run.embeddings.data(), warm * h)));
  Stopwatch clock;
  QUARRY_RETURN_IF_ERROR(encoder->Encode(in.passages, run.embeddings));
  const double seconds = clock.ElapsedMillis() / 1000;

  std::vector<float> one(h);
  for (size_t i = 0; i < std::min<size_t>(20, in.queries.size()); ++i) {
    QUARRY_RETURN_IF_ERROR(encoder->Encode(std::span(&in.queries[i], 1), one));
  }
  std::vector<double> latencies;
  for (const std::vector<int32_t>& q : in.queries) {
    Stopwatch t;
    QUARRY_RETURN_IF_ERROR(encoder->Encode(std::span(&q, 1), one));
    latencies.push_back(t.ElapsedMillis());
  }
  run.report = Figures("quarry-" + name, in, config, seconds, std::move(latencies));
  run.report["kernel"] = encoder->kernel_name();
  run.report["gemm_library"] = embed::GemmLibraryName(embed::CurrentGemmLibrary());
  return run;
}

Result<Run> RunPeer(const Flags& f, const EmbedInputs& in, const embed::BertConfig& config,
                    int threads) {
  const std::string inputs_path = f.work_dir + "/inputs.json";
  const std::string emb_path = f.work_dir + "/pytorch-embeddings.f32";
  QUARRY_RETURN_IF_ERROR(WriteFileAtomically(inputs_path, InputsToJson(in)));
  QUARRY_ASSIGN_OR_RETURN(ChildRun child,
                          RunChild({f.python, f.peer, f.model, inputs_path, emb_path, "--threads",
                                    std::to_string(threads), "--batch", std::to_string(f.batch)}));
  boost::system::error_code ec;
  json::value v = json::parse(child.out, ec);
  if (ec || !v.is_object()) return Status::Corruption("torch_peer.py printed no JSON report");
  json::object& o = v.get_object();
  const double seconds = o["passage_s"].to_number<double>();
  std::vector<double> latencies;
  for (const json::value& ms : o["query_ms"].as_array())
    latencies.push_back(ms.to_number<double>());
  Run run;
  run.embeddings.resize(in.passages.size() * config.hidden_size);
  std::ifstream file(emb_path, std::ios::binary);
  file.read(reinterpret_cast<char*>(run.embeddings.data()),
            static_cast<std::streamsize>(run.embeddings.size() * sizeof(float)));
  if (!file) return Status::Corruption(emb_path + ": fewer embeddings than passages");
  run.report = Figures(
      threads == f.threads ? "pytorch-float32" : "pytorch-float32-" + std::to_string(threads) + "t",
      in, config, seconds, std::move(latencies));
  run.report["torch"] = o["torch"];
  run.report["threads"] = o["threads"];
  return run;
}

int RunBench(const Flags& f) {
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "[embed] %s\n", s.ToString().c_str());
    return s.code() == StatusCode::kNotFound ? 2 : 1;
  };
  if (f.model.empty()) return fail(Status::InvalidArgument("--model (a model folder) is required"));
  std::error_code fs_ec;
  fs::create_directories(f.work_dir, fs_ec);
  if (fs_ec) return fail(Status::IOError(f.work_dir + ": " + fs_ec.message()));
  std::shared_ptr<Env> env = NewPosixEnv();
  Result<embed::BertConfig> config = embed::LoadBertConfig(*env, f.model);
  if (!config.ok()) return fail(config.status());
  Result<EmbedInputs> in =
      LoadEmbedInputs(f.beir_dir, f.tokenizer, f.passages, f.queries, f.max_tokens);
  if (!in.ok()) return fail(in.status());
  std::fprintf(stderr, "[embed] %zu passages (%llu tokens), %zu queries\n", in->passages.size(),
               static_cast<unsigned long long>(TotalTokens(in->passages)), in->queries.size());

  json::object report{
      {"machine", MachineDescription()},
      {"label", f.label},
      {"load_at_start", LoadAverage()},
      {"model", f.model},
      {"passages", in->passages.size()},
      {"passage_tokens", TotalTokens(in->passages)},
      {"queries", in->queries.size()},
      {"query_tokens", TotalTokens(in->queries)},
      {"config",
       {{"layers", config->num_layers},
        {"hidden", config->hidden_size},
        {"heads", config->num_heads},
        {"intermediate", config->intermediate_size},
        {"vocab", config->vocab_size}}},
      {"options", {{"threads", f.threads}, {"batch", f.batch}, {"max_tokens", f.max_tokens}}}};

  embed::SetBlasThreads(f.threads);
  std::fprintf(stderr, "[embed] sgemm ceiling\n");
  report["gemm"] = MeasureGemmCeiling(*config, f.gemm_rows, f.gemm_reps, f.threads);
  // The "OpenBLAS or oneDNN: measure both and keep the winner": the
  // encoder's library (oneDNN) above, OpenBLAS here on the same shapes.
  std::fprintf(stderr, "[embed] sgemm ceiling, OpenBLAS\n");
  {
    ScopedGemmLibrary openblas(embed::GemmLibrary::kOpenBlas);
    report["gemm_openblas"] = MeasureGemmCeiling(*config, f.gemm_rows, f.gemm_reps, f.threads);
  }

  json::array runs;
  std::vector<float> float32_embeddings, peer_embeddings;
  std::vector<Run> quarry_runs;
  for (const std::string& name : f.precisions) {
    // "float32-openblas": the float32 encoder on OpenBLAS instead of oneDNN.
    const std::string_view kOpenBlasSuffix = "-openblas";
    const bool on_openblas = name.ends_with(kOpenBlasSuffix);
    Result<embed::Precision> precision = embed::ParsePrecision(
        on_openblas ? name.substr(0, name.size() - kOpenBlasSuffix.size()) : name);
    if (!precision.ok()) return fail(precision.status());
    std::fprintf(stderr, "[embed] quarry %s\n", name.c_str());
    ScopedGemmLibrary library(on_openblas ? embed::GemmLibrary::kOpenBlas
                                          : embed::CurrentGemmLibrary());
    Result<Run> run = RunQuarry(f, *in, *config, *precision, name);
    if (!run.ok()) return fail(run.status());
    std::fprintf(stderr, "[embed]   %.1f passages/s\n",
                 run->report["passages_per_s"].to_number<double>());
    if (name == "float32") float32_embeddings = run->embeddings;
    quarry_runs.push_back(std::move(run).value());
  }
  std::vector<int> peer_threads;
  if (!f.skip_peer) {
    peer_threads.push_back(f.threads);
    peer_threads.insert(peer_threads.end(), f.extra_peer_threads.begin(),
                        f.extra_peer_threads.end());
  }
  for (int threads : peer_threads) {
    std::fprintf(stderr, "[embed] pytorch float32, %d threads\n", threads);
    Result<Run> peer = RunPeer(f, *in, *config, threads);
    if (!peer.ok()) return fail(peer.status());
    std::fprintf(stderr, "[embed]   %.1f passages/s\n",
                 peer->report["passages_per_s"].to_number<double>());
    if (peer_embeddings.empty()) peer_embeddings = peer->embeddings;
    if (!float32_embeddings.empty()) {
      peer->report["cosine_vs_float32"] =
          CosineSummary(peer->embeddings, float32_embeddings, config->hidden_size);
    }
    quarry_runs.push_back(std::move(peer).value());
  }
  for (Run& run : quarry_runs) {
    if (Str(run.report, "name").starts_with("pytorch-")) {
      runs.push_back(std::move(run.report));
      continue;
    }
    if (!float32_embeddings.empty() && Str(run.report, "name") != "quarry-float32") {
      run.report["cosine_vs_float32"] =
          CosineSummary(run.embeddings, float32_embeddings, config->hidden_size);
    }
    if (!peer_embeddings.empty()) {
      run.report["cosine_vs_pytorch"] =
          CosineSummary(run.embeddings, peer_embeddings, config->hidden_size);
    }
    runs.push_back(std::move(run.report));
  }
  report["runs"] = std::move(runs);
  report["load_at_end"] = LoadAverage();
  if (Status s = PublishReport(f.out, report, RenderMarkdown(report), "embed"); !s.ok()) {
    return fail(s);
  }
  return 0;
}

}  // namespace
}  // namespace quarry::bench

int main(int argc, char** argv) {
  quarry::bench::Flags f;
  CLI::App app{"bench_embed: the local encoder vs PyTorch (docs/benchmarks.md)"};
  app.add_option("--model", f.model, "Model folder (config.json, model.safetensors)");
  app.add_option("--tokenizer", f.tokenizer, "Folder of the tokenizer that makes the ids")
      ->capture_default_str();
  app.add_option("--beir-dir", f.beir_dir, "BEIR dataset (corpus.jsonl, queries.jsonl)")
      ->capture_default_str();
  app.add_option("--passages", f.passages, "Passages for the throughput run")
      ->capture_default_str();
  app.add_option("--queries", f.queries, "Queries timed one by one (0: all)")
      ->capture_default_str();
  app.add_option("--max-tokens", f.max_tokens, "Truncation, [CLS]/[SEP] included")
      ->capture_default_str();
  app.add_option("--threads", f.threads, "Threads of every runtime")->capture_default_str();
  app.add_option("--batch", f.batch, "Sequences per forward pass")->capture_default_str();
  app.add_option("--precisions", f.precisions, "Quarry runs (float32, int8; float32-openblas: float32 on OpenBLAS, not oneDNN)")
      ->capture_default_str();
  app.add_flag("--skip-peer", f.skip_peer, "Do not run PyTorch");
  app.add_option("--extra-peer-threads", f.extra_peer_threads,
                 "Also run PyTorch with these thread counts (context; ratios use --threads)");
  app.add_option("--python", f.python, "Python with torch and numpy")->capture_default_str();
  app.add_option("--peer", f.peer, "torch_peer.py")->capture_default_str();
  app.add_option("--gemm-rows", f.gemm_rows, "Rows of the sgemm ceiling's products")
      ->capture_default_str();
  app.add_option("--gemm-reps", f.gemm_reps, "Repetitions per shape (best kept)")
      ->capture_default_str();
  app.add_option("--work-dir", f.work_dir, "Scratch files (ids, PyTorch's embeddings)")
      ->capture_default_str();
  app.add_option("--out", f.out, "Write the JSON report here (and the tables to .md)");
  app.add_option("--label", f.label, "Free text stored in the report (e.g. the commit)");
  app.add_option("--render", f.render, "Print the tables of an existing JSON report and exit");
  CLI11_PARSE(app, argc, argv);
  if (!f.render.empty()) {
    return quarry::bench::RenderStoredReport(f.render, quarry::bench::RenderMarkdown, "embed");
  }
  return quarry::bench::RunBench(f);
}
