// bench_chunk_scores: the cost of the chunk scores per returned hit, and the
// scores of real hits (docs/design/chunk-scores.md).
//
//   1. The engine ingests a BEIR corpus (SciFact by default; lexical
//      embedder, default config) and answers every judged query of the split
//      in keyword mode, top 10: the hits it returns carry their scores, whose
//      distribution and extremes are printed.
//   2. The steps a search runs per hit are timed over those hits' texts,
//      against a keyword index of the corpus (one document per record, as
//      bench/relevance builds it): sentence splitting and analysis, the
//      document-frequency lookups of the hit's distinct terms, and the
//      arithmetic. Each pass over all hits is repeated and the best kept.
//
// Usage: bench_chunk_scores [--data DIR] [--split test] [--repeat 5] [--out report.json]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json.hpp>

#include "base/stopwatch.h"
#include "common/report_file.h"
#include "quarry/engine.h"
#include "relevance/quarry_bm25.h"
#include "search/beir_dataset.h"
#include "search/chunk_scores.h"
#include "text/analyzer.h"
#include "text/sentence_splitter.h"

namespace quarry::bench {
namespace {

struct Flags {
  std::string data = std::string(QUARRY_BENCH_SHARED_DATA_DIR) + "/beir/scifact";
  std::string split = "test";
  int repeat = 5;
  std::string out;
};

struct Hit {
  std::string id;  // document#chunk
  std::string text;
  double importance = 0;
  double density = 0;
};

std::string OneLine(std::string s, size_t max) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  if (s.size() > max) {
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  return s;
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

int Fail(const Status& s) {
  std::fprintf(stderr, "[bench_chunk_scores] %s\n", s.ToString().c_str());
  return 1;
}

int Run(const Flags& flags) {
  Result<search::BeirDataset> loaded = search::LoadBeirDataset(flags.data, flags.split);
  if (!loaded.ok()) return Fail(loaded.status());
  const search::BeirDataset& data = *loaded;

  // 1. The engine's answers.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("quarry-bench-chunk-scores-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::vector<Hit> hits;
  double fetch_ms = 0, search_ms = 0;
  size_t queries = 0;
  {
    Result<std::unique_ptr<Engine>> engine = Engine::Open({.data_dir = dir.string()});
    if (!engine.ok()) return Fail(engine.status());
    Result<std::shared_ptr<Collection>> c = (*engine)->CreateCollection("scifact", {});
    if (!c.ok()) return Fail(c.status());
    Stopwatch ingest;
    std::vector<DocumentInput> batch;
    for (size_t i = 0; i < data.corpus.size(); ++i) {
      const search::BeirDocument& d = data.corpus[i];
      batch.push_back({.id = d.id, .text = d.text, .title = d.title});
      if (batch.size() == 512 || i + 1 == data.corpus.size()) {
        Result<UpsertSummary> s = (*c)->Upsert(std::move(batch));
        if (!s.ok()) return Fail(s.status());
        batch.clear();
      }
    }
    std::fprintf(stderr, "[bench_chunk_scores] ingested %zu documents (%llu chunks) in %.1f s\n",
                 data.corpus.size(), static_cast<unsigned long long>((*c)->Info().chunks),
                 ingest.ElapsedMillis() / 1000);
    std::unordered_map<std::string, size_t> seen;
    for (const search::BeirQuery& q : data.queries) {
      Result<SearchResponse> r =
          (*c)->Search({.query = q.text, .k = 10, .mode = SearchMode::kKeyword});
      if (!r.ok()) return Fail(r.status());
      ++queries;
      fetch_ms += r->fetch_ms;
      search_ms += r->search_ms;
      for (const SearchHit& h : r->hits) {
        std::string id = h.document_id + "#" + std::to_string(h.chunk);
        if (!seen.emplace(id, hits.size()).second) continue;
        hits.push_back({id, h.text, h.importance, h.semantic_density});
      }
    }
  }
  std::filesystem::remove_all(dir);

  // 2. The per-hit steps, timed.
  Result<QuarryBm25> index = QuarryBm25::Build(data.corpus, text::AnalyzerOptions{});
  if (!index.ok()) return Fail(index.status());
  Result<text::Analyzer> analyzer = text::Analyzer::Create({});
  Result<text::SentenceSplitter> splitter = text::SentenceSplitter::Create("en");
  if (!analyzer.ok()) return Fail(analyzer.status());
  if (!splitter.ok()) return Fail(splitter.status());
  const lexical::Bm25Index& postings = index->index();
  const uint64_t n = postings.LocalStats().doc_count;
  double best_analyze = 1e300, best_lookup = 1e300, best_score = 1e300;
  size_t terms = 0, distinct = 0, sentences = 0;
  double checksum = 0;
  for (int rep = 0; rep < flags.repeat; ++rep) {
    double analyze_ms = 0, lookup_ms = 0, score_ms = 0;
    terms = distinct = sentences = 0;
    for (const Hit& h : hits) {
      Stopwatch w;
      search::AnalyzedChunk chunk = search::AnalyzeChunk(h.text, *analyzer, *splitter);
      analyze_ms += w.ElapsedMillis();
      w.Reset();
      std::unordered_map<std::string_view, double> nidf;
      for (const auto& s : chunk.sentences) {
        for (const std::string& t : s) nidf.try_emplace(t, 0.0);
      }
      for (auto& [t, x] : nidf) x = search::NormalizedIdf(postings.DocFreq(t), n);
      lookup_ms += w.ElapsedMillis();
      w.Reset();
      search::ChunkScores s = search::ScoreChunk(chunk, [&nidf](std::string_view t) {
        auto it = nidf.find(t);
        return it == nidf.end() ? 1.0 : it->second;
      });
      score_ms += w.ElapsedMillis();
      checksum += s.importance + s.semantic_density;
      sentences += chunk.sentences.size();
      distinct += nidf.size();
      for (const auto& sentence : chunk.sentences) terms += sentence.size();
    }
    best_analyze = std::min(best_analyze, analyze_ms);
    best_lookup = std::min(best_lookup, lookup_ms);
    best_score = std::min(best_score, score_ms);
  }
  const double per = hits.empty() ? 0 : 1000.0 / static_cast<double>(hits.size());  // ms -> us/hit
  const double hn = hits.empty() ? 1 : static_cast<double>(hits.size());

  std::vector<double> imp, den;
  for (const Hit& h : hits) {
    imp.push_back(h.importance);
    den.push_back(h.density);
  }
  std::string md;
  char line[512];
  std::snprintf(line, sizeof line,
                "Chunk scores on %s (%zu queries, keyword top 10: %zu distinct hits; %.1f "
                "sentences, %.0f terms, %.0f distinct terms per hit)\n\n",
                flags.data.c_str(), queries, hits.size(), sentences / hn, terms / hn,
                distinct / hn);
  md += line;
  md += "| step, per hit | microseconds |\n|---|---:|\n";
  std::snprintf(line, sizeof line,
                "| split sentences and analyze | %.1f |\n| document frequencies (one index) | "
                "%.1f |\n| arithmetic | %.1f |\n| **total** | **%.1f** |\n\n",
                best_analyze * per, best_lookup * per, best_score * per,
                (best_analyze + best_lookup + best_score) * per);
  md += line;
  std::snprintf(line, sizeof line,
                "Engine, per query (k = 10, scores included): fetch %.3f ms, search %.3f ms\n\n",
                fetch_ms / static_cast<double>(std::max<size_t>(queries, 1)),
                search_ms / static_cast<double>(std::max<size_t>(queries, 1)));
  md += line;
  md += "| score | min | p10 | median | p90 | max |\n|---|---:|---:|---:|---:|---:|\n";
  for (auto [name, v] : {std::pair{"importance", &imp}, std::pair{"semantic_density", &den}}) {
    std::snprintf(line, sizeof line, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f |\n", name,
                  Quantile(*v, 0), Quantile(*v, 0.1), Quantile(*v, 0.5), Quantile(*v, 0.9),
                  Quantile(*v, 1));
    md += line;
  }
  auto extremes = [&](const char* name, auto key) {
    std::vector<const Hit*> order;
    for (const Hit& h : hits) order.push_back(&h);
    std::sort(order.begin(), order.end(), [&](const Hit* a, const Hit* b) {
      return key(*a) != key(*b) ? key(*a) > key(*b) : a->id < b->id;
    });
    md += std::string("\nHighest and lowest ") + name + ":\n\n";
    for (size_t i : {size_t{0}, size_t{1}, order.size() - 2, order.size() - 1}) {
      if (i >= order.size()) continue;
      const Hit& h = *order[i];
      std::snprintf(line, sizeof line, "- %s  importance %.3f, density %.3f: %s\n", h.id.c_str(),
                    h.importance, h.density, OneLine(h.text, 300).c_str());
      md += line;
    }
  };
  if (hits.size() >= 4) {
    extremes("importance", [](const Hit& h) { return h.importance; });
    extremes("semantic_density", [](const Hit& h) { return h.density; });
  }

  boost::json::object report;
  report["bench"] = "chunk_scores";
  report["data"] = flags.data;
  report["queries"] = queries;
  report["hits"] = hits.size();
  report["us_per_hit_analyze"] = best_analyze * per;
  report["us_per_hit_lookup"] = best_lookup * per;
  report["us_per_hit_score"] = best_score * per;
  report["us_per_hit_total"] = (best_analyze + best_lookup + best_score) * per;
  report["engine_fetch_ms_per_query"] =
      fetch_ms / static_cast<double>(std::max<size_t>(queries, 1));
  report["checksum"] = checksum;
  Status published = PublishReport(flags.out, report, md, "bench_chunk_scores");
  return published.ok() ? 0 : Fail(published);
}

}  // namespace
}  // namespace quarry::bench

int main(int argc, char** argv) {
  quarry::bench::Flags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--data") {
      flags.data = value;
    } else if (name == "--split") {
      flags.split = value;
    } else if (name == "--repeat") {
      flags.repeat = std::max(1, std::atoi(value.c_str()));
    } else if (name == "--out") {
      flags.out = value;
    } else {
      std::fprintf(stderr,
                   "usage: bench_chunk_scores [--data DIR] [--split S] [--repeat N] "
                   "[--out FILE]\n");
      return 2;
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr,
                 "usage: bench_chunk_scores [--data DIR] [--split S] [--repeat N] [--out FILE]\n");
    return 2;
  }
  return quarry::bench::Run(flags);
}
