#include "search/chunk_scores.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace quarry::search {
namespace {

double Clamp01(double x) { return std::isfinite(x) ? std::clamp(x, 0.0, 1.0) : 0.0; }

// A score as reported: in [0, 1], rounded to 9 decimals, so that the
// rounding noise of the sums (1e-16) never turns a 0 or a 1 into a near miss.
double Reported(double x) { return std::round(Clamp01(x) * 1e9) / 1e9; }

}  // namespace

double NormalizedIdf(uint64_t doc_freq, uint64_t doc_count) {
  const double n = static_cast<double>(doc_count);
  const double df = static_cast<double>(std::min(doc_freq, doc_count));
  const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
  const double unseen = std::log(2.0 * n + 2.0);  // idf(0) = ln(1 + (N + 0.5) / 0.5)
  return Clamp01(idf / unseen);
}

AnalyzedChunk AnalyzeChunk(std::string_view text, text::Analyzer& analyzer,
                           text::SentenceSplitter& splitter) {
  AnalyzedChunk chunk;
  // The splitter needs valid UTF-8; hits' texts are sanitized at ingestion.
  for (const text::Span& s : splitter.Split(text)) {
    analyzer.AnalyzeTerms(text.substr(s.begin, s.end - s.begin), &chunk.sentences.emplace_back());
  }
  return chunk;
}

ChunkScores ScoreChunk(const AnalyzedChunk& chunk,
                       const std::function<double(std::string_view)>& nidf) {
  // Dense ids for the chunk's distinct terms: one hash lookup per occurrence,
  // the rest works on small vectors.
  size_t occurrences = 0;
  for (const std::vector<std::string>& sentence : chunk.sentences) occurrences += sentence.size();
  ChunkScores scores;
  if (occurrences == 0) return scores;
  std::unordered_map<std::string_view, uint32_t> id_of;
  id_of.reserve(occurrences);
  std::vector<double> weight;  // by id
  std::vector<uint32_t> ids;   // by occurrence, sentence after sentence
  std::vector<size_t> ends;    // end of each sentence in `ids`
  ids.reserve(occurrences);
  double weight_sum = 0;
  for (const std::vector<std::string>& sentence : chunk.sentences) {
    for (const std::string& term : sentence) {
      auto [it, inserted] = id_of.try_emplace(term, static_cast<uint32_t>(weight.size()));
      if (inserted) weight.push_back(Clamp01(nidf(term)));
      ids.push_back(it->second);
      weight_sum += weight[it->second];
    }
    ends.push_back(ids.size());
  }
  scores.importance = Reported(weight_sum / static_cast<double>(occurrences));

  // Mean pairwise cosine of the m sentence vectors with any weight, through
  // the sum of their unit vectors: |sum u|^2 = m + 2 * sum_{i<j} cos(u_i, u_j).
  std::vector<double> sum(weight.size(), 0.0);  // sum of unit vectors, by id
  std::vector<std::pair<uint32_t, double>> v;   // one sentence: (id, tf * weight)
  size_t m = 0;
  size_t begin = 0;
  for (size_t end : ends) {
    std::sort(ids.begin() + static_cast<ptrdiff_t>(begin),
              ids.begin() + static_cast<ptrdiff_t>(end));
    v.clear();
    for (size_t k = begin; k < end; ++k) {
      if (!v.empty() && v.back().first == ids[k]) {
        v.back().second += 1;
      } else {
        v.emplace_back(ids[k], 1.0);
      }
    }
    begin = end;
    double norm2 = 0;
    for (auto& [id, x] : v) {
      x *= weight[id];
      norm2 += x * x;
    }
    if (!(norm2 > 0)) continue;  // no terms, or only terms of weight 0
    const double inv = 1.0 / std::sqrt(norm2);
    for (const auto& [id, x] : v) sum[id] += x * inv;
    ++m;
  }
  if (m == 0) return scores;
  if (m == 1) {
    scores.semantic_density = 1;  // one sentence agrees with itself
    return scores;
  }
  double sum2 = 0;
  for (double x : sum) sum2 += x * x;
  const double md = static_cast<double>(m);
  scores.semantic_density = Reported((sum2 - md) / (md * (md - 1)));
  return scores;
}

}  // namespace quarry::search
