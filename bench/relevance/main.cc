// bench/relevance: BM25 relevance and speed on a BEIR dataset (SciFact by
// default), Quarry side by side with Xapian when it is installed. Prints a
// Markdown table; with --out FILE writes the JSON report to FILE and the
// table to FILE.md. --tune searches k1, b and the title weight on a split
// (train only: test judgments are never used for tuning).
#include <CLI/CLI.hpp>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "quarry_bm25.h"
#include "report.h"
#include "run_stats.h"
#include "search/beir_dataset.h"
#include "synthetic_corpus.h"
#ifdef QUARRY_BENCH_HAVE_XAPIAN
#include "xapian_bm25.h"
#endif

namespace quarry::bench {
namespace {

struct Flags {
  std::string data = std::string(QUARRY_BENCH_SHARED_DATA_DIR) + "/beir/scifact";
  std::string split = "test";
  double k1 = lexical::Bm25Params{}.k1;
  double b = lexical::Bm25Params{}.b;
  double title_weight = 1.0;
  double body_weight = 1.0;
  std::string language = "english";
  bool no_stopwords = false;
  bool no_stem = false;
  std::string algorithm = "maxscore";
  size_t passes = 20;
  std::string peer = "xapian";
  bool tune = false;
  std::vector<size_t> scale_docs;  // synthetic corpus sizes for the speed-at-scale table
  std::string out;
};

// One engine, as the harness sees it: top-k ids for a query text.
using SearchFn =
    std::function<Status(const std::string& query, size_t k, std::vector<std::string>*)>;

std::string Machine() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

Status Evaluate(const search::BeirDataset& data, const SearchFn& search, RunStats* stats) {
  search::RelevanceSummary sum;
  std::vector<std::string> ranking;
  for (const search::BeirQuery& q : data.queries) {
    QUARRY_RETURN_IF_ERROR(search(q.text, 100, &ranking));
    sum.Add(ranking, data.qrels.at(q.id));
  }
  stats->relevance = sum.Mean();
  return Status::Ok();
}

// One timed pass over every query; appends each query's latency in seconds.
Status TimePass(const search::BeirDataset& data, const SearchFn& search, size_t k,
                std::vector<double>* seconds) {
  std::vector<std::string> ranking;
  for (const search::BeirQuery& q : data.queries) {
    const auto start = std::chrono::steady_clock::now();
    QUARRY_RETURN_IF_ERROR(search(q.text, k, &ranking));
    seconds->push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return Status::Ok();
}

int Tune(const search::BeirDataset& data, QuarryBm25* quarry, const Flags& flags) {
  if (flags.split == "test") {
    std::fprintf(stderr, "--tune refuses the test split: tune on --split train\n");
    return 2;
  }
  struct Point {
    double k1, b, title, ndcg, recall;
  };
  std::vector<Point> points;
  for (double title : {1.0, 2.0, 3.0, 4.0, 6.0}) {
    for (int k1i = 4; k1i <= 16; ++k1i) {
      for (int bi = 1; bi <= 10; ++bi) {
        lexical::Bm25SearchOptions options;
        options.params.k1 = k1i / 10.0;
        options.params.b = bi / 10.0;
        options.params.field_weights = {title, flags.body_weight};
        RunStats stats;
        const Status s = Evaluate(
            data,
            [&](const std::string& q, size_t k, std::vector<std::string>* r) {
              options.k = static_cast<uint32_t>(k);
              return quarry->Search(q, options, r);
            },
            &stats);
        if (!s.ok()) {
          std::fprintf(stderr, "%s\n", s.ToString().c_str());
          return 1;
        }
        points.push_back({options.params.k1, options.params.b, title, stats.relevance.ndcg_at_10,
                          stats.relevance.recall_at_100});
      }
    }
  }
  std::sort(points.begin(), points.end(),
            [](const Point& a, const Point& b) { return a.ndcg > b.ndcg; });
  std::printf("Tuning on split %s (%zu queries), best 15 of %zu points by nDCG@10:\n\n",
              flags.split.c_str(), data.queries.size(), points.size());
  std::printf("| k1 | b | title weight | nDCG@10 | Recall@100 |\n|--:|--:|--:|--:|--:|\n");
  for (size_t i = 0; i < points.size() && i < 15; ++i) {
    std::printf("| %.1f | %.1f | %.1f | %.4f | %.4f |\n", points[i].k1, points[i].b,
                points[i].title, points[i].ndcg, points[i].recall);
  }
  for (const Point& p : points) {
    if (p.k1 == 0.9 && p.b == 0.4 && p.title == 1.0) {
      std::printf("\nLucene/Anserini defaults (k1 0.9, b 0.4, title 1): nDCG@10 %.4f\n", p.ndcg);
    }
  }
  return 0;
}

int Run(const Flags& flags, const std::string& command) {
  if (!std::filesystem::exists(flags.data + "/corpus.jsonl")) {
    std::fprintf(stderr,
                 "bench_relevance: no BEIR dataset at %s (SciFact is expected in "
                 "../shared/data/beir/scifact beside the repository; pass --data DIR)\n",
                 flags.data.c_str());
    return 2;
  }
  Result<search::BeirDataset> loaded = search::LoadBeirDataset(flags.data, flags.split);
  if (!loaded.ok()) {
    std::fprintf(stderr, "bench_relevance: %s\n", loaded.status().ToString().c_str());
    return 1;
  }
  const search::BeirDataset& data = *loaded;

  text::AnalyzerOptions analyzer;
  analyzer.language = flags.language;
  analyzer.remove_stopwords = !flags.no_stopwords;
  analyzer.stem = !flags.no_stem;
  Result<QuarryBm25> built = QuarryBm25::Build(data.corpus, analyzer);
  if (!built.ok()) {
    std::fprintf(stderr, "bench_relevance: %s\n", built.status().ToString().c_str());
    return 1;
  }
  QuarryBm25& quarry = *built;
  if (flags.tune) return Tune(data, &quarry, flags);

  lexical::Bm25SearchOptions options;
  options.params.k1 = flags.k1;
  options.params.b = flags.b;
  options.params.field_weights = {flags.title_weight, flags.body_weight};
  options.algorithm = flags.algorithm == "exhaustive" ? lexical::TopKAlgorithm::kExhaustive
                                                      : lexical::TopKAlgorithm::kMaxScore;
  struct Engine {
    RunStats stats;
    SearchFn search;
  };
  std::vector<Engine> engines;
  {
    Engine e;
    char config[160];
    std::snprintf(config, sizeof config, "k1 %.2f, b %.2f, title %.1f, body %.1f, %s%s%s, %s",
                  flags.k1, flags.b, flags.title_weight, flags.body_weight, flags.language.c_str(),
                  flags.no_stopwords ? ", no stopwords" : "", flags.no_stem ? ", no stemming" : "",
                  flags.algorithm.c_str());
    e.stats.engine = "quarry";
    e.stats.config = config;
    e.stats.index_seconds = quarry.index_seconds();
    e.stats.index_mib = quarry.index_bytes() / (1024.0 * 1024.0);
    e.search = [&quarry, options](const std::string& q, size_t k,
                                  std::vector<std::string>* r) mutable {
      options.k = static_cast<uint32_t>(k);
      return quarry.Search(q, options, r);
    };
    engines.push_back(std::move(e));
  }
#ifdef QUARRY_BENCH_HAVE_XAPIAN
  std::unique_ptr<XapianBm25> xapian;
  std::string xapian_dir;
  if (flags.peer == "xapian") {
    char templ[] = "/tmp/quarry-bench-xapian-XXXXXX";
    if (::mkdtemp(templ) == nullptr) {
      std::fprintf(stderr, "bench_relevance: cannot make a temporary directory\n");
      return 1;
    }
    xapian_dir = templ;
    Result<std::unique_ptr<XapianBm25>> x =
        XapianBm25::Build(data.corpus, xapian_dir + "/db", flags.k1, flags.b);
    if (!x.ok()) {
      std::fprintf(stderr, "bench_relevance: %s\n", x.status().ToString().c_str());
      return 1;
    }
    xapian = std::move(x).value();
    Engine e;
    e.stats.engine = "xapian 1.4";
    char config[96];
    std::snprintf(config, sizeof config, "BM25Weight k1 %.2f, b %.2f, english, flat", flags.k1,
                  flags.b);
    e.stats.config = config;
    e.stats.index_seconds = xapian->index_seconds();
    e.stats.index_mib = xapian->index_mib();
    e.search = [&xapian](const std::string& q, size_t k, std::vector<std::string>* r) {
      return xapian->Search(q, k, r);
    };
    engines.push_back(std::move(e));
  }
#else
  if (flags.peer == "xapian") {
    std::fprintf(stderr, "note: built without Xapian (apt-get install libxapian-dev): no peer\n");
  }
#endif

  // Relevance once (it also warms every engine), then timed passes with the
  // engines interleaved, so load on the machine affects them alike.
  for (Engine& e : engines) {
    const Status s = Evaluate(data, e.search, &e.stats);
    if (!s.ok()) {
      std::fprintf(stderr, "%s: %s\n", e.stats.engine.c_str(), s.ToString().c_str());
      return 1;
    }
  }
  std::vector<RunStats> runs;
  for (size_t k : {size_t{10}, size_t{100}}) {
    std::vector<std::vector<double>> seconds(engines.size());
    for (size_t pass = 0; pass < flags.passes; ++pass) {
      for (size_t i = 0; i < engines.size(); ++i) {
        const Status s = TimePass(data, engines[i].search, k, &seconds[i]);
        if (!s.ok()) {
          std::fprintf(stderr, "%s\n", s.ToString().c_str());
          return 1;
        }
      }
    }
    for (size_t i = 0; i < engines.size(); ++i) {
      RunStats stats = engines[i].stats;
      stats.config += ", k " + std::to_string(k);
      SummarizeLatencies(std::move(seconds[i]), &stats);
      runs.push_back(stats);
    }
  }
  // Speed at scale: the same queries over larger corpora made of the real
  // one's sentences, every algorithm (results are identical; speed is not).
  std::vector<RunStats> scale_runs;
  for (size_t docs : flags.scale_docs) {
    Result<QuarryBm25> big = QuarryBm25::Build(SyntheticCorpus(data.corpus, docs, 42), analyzer);
    if (!big.ok()) {
      std::fprintf(stderr, "bench_relevance: %s\n", big.status().ToString().c_str());
      return 1;
    }
    for (size_t k : {size_t{10}, size_t{100}}) {
      for (const char* name : {"exhaustive", "maxscore"}) {
        lexical::Bm25SearchOptions o = options;
        o.k = static_cast<uint32_t>(k);
        o.algorithm = std::string(name) == "exhaustive" ? lexical::TopKAlgorithm::kExhaustive
                                                        : lexical::TopKAlgorithm::kMaxScore;
        const SearchFn fn = [&big, o](const std::string& q, size_t, std::vector<std::string>* r) {
          return big->Search(q, o, r);
        };
        std::vector<double> seconds;
        const size_t passes = std::max<size_t>(1, flags.passes / 4);
        for (size_t pass = 0; pass <= passes; ++pass) {
          std::vector<double>& sink = seconds;
          if (pass == 0) {  // warm-up
            std::vector<double> ignored;
            (void)TimePass(data, fn, k, &ignored);
            continue;
          }
          const Status st = TimePass(data, fn, k, &sink);
          if (!st.ok()) {
            std::fprintf(stderr, "%s\n", st.ToString().c_str());
            return 1;
          }
        }
        RunStats stats;
        stats.engine = "quarry";
        stats.config =
            std::to_string(docs) + " synthetic docs, " + name + ", k " + std::to_string(k);
        stats.index_seconds = big->index_seconds();
        stats.index_mib = big->index_bytes() / (1024.0 * 1024.0);
        SummarizeLatencies(std::move(seconds), &stats);
        scale_runs.push_back(stats);
      }
    }
  }

#ifdef QUARRY_BENCH_HAVE_XAPIAN
  xapian.reset();
  if (!xapian_dir.empty()) std::filesystem::remove_all(xapian_dir);
#endif

  ReportContext context;
  context.dataset = flags.data;
  context.split = flags.split;
  context.documents = data.corpus.size();
  context.queries = data.queries.size();
  context.passes = flags.passes;
  context.machine = Machine();
  context.command = command;
  std::string table = MarkdownTable(context, runs);
  if (!scale_runs.empty()) table += "\n" + ScaleTable(scale_runs);
  std::printf("%s", table.c_str());
  if (engines.size() > 1) {
    std::printf("\nQuarry / Xapian, one thread: %.2fx QPS at k 10, %.2fx at k 100\n",
                runs[0].qps() / runs[1].qps(), runs[2].qps() / runs[3].qps());
  }
  if (!flags.out.empty()) {
    std::vector<RunStats> all = runs;
    all.insert(all.end(), scale_runs.begin(), scale_runs.end());
    std::ofstream(flags.out) << JsonReport(context, all);
    std::ofstream(flags.out + ".md") << table;
    std::printf("wrote %s and %s.md\n", flags.out.c_str(), flags.out.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace quarry::bench

int main(int argc, char** argv) {
  quarry::bench::Flags flags;
  CLI::App app{"BM25 relevance and throughput on a BEIR dataset, Quarry vs Xapian"};
  app.add_option("--data", flags.data, "BEIR dataset directory")->capture_default_str();
  app.add_option("--split", flags.split, "qrels split: test, train, dev")->capture_default_str();
  app.add_option("--k1", flags.k1, "BM25 k1")->capture_default_str();
  app.add_option("--b", flags.b, "BM25 b")->capture_default_str();
  app.add_option("--title-weight", flags.title_weight, "BM25F title weight")->capture_default_str();
  app.add_option("--body-weight", flags.body_weight, "BM25F body weight")->capture_default_str();
  app.add_option("--language", flags.language, "analyzer language (Snowball name)")
      ->capture_default_str();
  app.add_flag("--no-stopwords", flags.no_stopwords, "keep stopwords");
  app.add_flag("--no-stem", flags.no_stem, "do not stem");
  app.add_option("--algorithm", flags.algorithm, "maxscore or exhaustive")
      ->check(CLI::IsMember({"maxscore", "exhaustive"}))
      ->capture_default_str();
  app.add_option("--passes", flags.passes, "timed passes over the queries")->capture_default_str();
  app.add_option("--peer", flags.peer, "xapian or none")
      ->check(CLI::IsMember({"xapian", "none"}))
      ->capture_default_str();
  app.add_option("--scale-docs", flags.scale_docs,
                 "also time both top-k algorithms on synthetic corpora of these sizes");
  app.add_flag("--tune", flags.tune, "grid-search k1, b, title weight on --split (not test)");
  app.add_option("--out", flags.out, "write the JSON report here and the table to FILE.md");
  CLI11_PARSE(app, argc, argv);
  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
  return quarry::bench::Run(flags, command);
}
