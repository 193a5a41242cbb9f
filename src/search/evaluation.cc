#include "search/evaluation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

namespace quarry::search {
namespace {

Status ValidateOptions(const EvaluationOptions& options) {
  if (options.modes.empty()) return Status::InvalidArgument("evaluation needs at least one mode");
  for (size_t i = 0; i < options.modes.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (options.modes[i] == options.modes[j]) {
        return Status::InvalidArgument("mode '" + options.modes[i] + "' is listed twice");
      }
    }
  }
  if (options.k < 1 || options.k > EvaluationOptions::kMaxK) {
    return Status::InvalidArgument("k must be between 1 and " +
                                   std::to_string(EvaluationOptions::kMaxK));
  }
  return Status::Ok();
}

// The ranking with each document at its first position only.
std::vector<std::string> DistinctInOrder(std::vector<std::string> ids) {
  std::unordered_set<std::string_view> seen;
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (std::string& id : ids) {
    if (seen.contains(id)) continue;
    out.push_back(std::move(id));
    seen.insert(out.back());  // `out` never reallocates: it was reserved
  }
  return out;
}

Result<EvalSearchResult> RunOne(const EvalSearchFn& search, const BeirQuery& query,
                                std::string_view mode, uint32_t k) {
  Result<EvalSearchResult> result = search(query.text, mode, k);
  const auto where = [&] { return "query '" + query.id + "' in mode '" + std::string(mode) + "'"; };
  if (!result.ok()) return result.status().WithContext(where());
  if (!std::isfinite(result->latency_ms) || result->latency_ms < 0) {
    return Status::InvalidArgument(where() + ": the search reported a latency of " +
                                   std::to_string(result->latency_ms) + " ms");
  }
  return result;
}

}  // namespace

LatencySummary SummarizeLatencies(std::vector<double> latencies_ms) {
  LatencySummary s;
  s.count = latencies_ms.size();
  if (latencies_ms.empty()) return s;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const double n = static_cast<double>(latencies_ms.size());
  s.mean_ms = std::accumulate(latencies_ms.begin(), latencies_ms.end(), 0.0) / n;
  const auto rank = [&](double p) {
    const auto r = static_cast<size_t>(std::ceil(p * n));
    return latencies_ms[std::clamp<size_t>(r, 1, latencies_ms.size()) - 1];
  };
  s.p50_ms = rank(0.50);
  s.p95_ms = rank(0.95);
  s.p99_ms = rank(0.99);
  s.max_ms = latencies_ms.back();
  return s;
}

Result<EvaluationReport> RunEvaluation(const BeirDataset& dataset, const EvalSearchFn& search,
                                       const EvaluationOptions& options) {
  QUARRY_RETURN_IF_ERROR(ValidateOptions(options));
  const size_t count = options.max_queries == 0
                           ? dataset.queries.size()
                           : std::min(options.max_queries, dataset.queries.size());
  const std::span<const BeirQuery> queries(dataset.queries.data(), count);
  const Judgments no_judgments;

  EvaluationReport report;
  report.dataset = options.dataset;
  report.split = options.split;
  report.documents = dataset.corpus.size();
  report.queries = count;
  report.k = options.k;
  for (const std::string& mode : options.modes) {
    for (size_t i = 0; i < options.warmup && !queries.empty(); ++i) {
      QUARRY_RETURN_IF_ERROR(RunOne(search, queries[i % count], mode, options.k).status());
    }
    ModeEvaluation eval;
    eval.mode = mode;
    std::vector<double> latencies;
    latencies.reserve(count);
    for (const BeirQuery& query : queries) {
      QUARRY_ASSIGN_OR_RETURN(EvalSearchResult result, RunOne(search, query, mode, options.k));
      const std::vector<std::string> ranking = DistinctInOrder(std::move(result.doc_ids));
      const auto judged = dataset.qrels.find(query.id);
      const Judgments& judgments = judged == dataset.qrels.end() ? no_judgments : judged->second;
      eval.relevance.Add(ranking, judgments);
      eval.queries.push_back(QueryEvaluation{
          .query_id = query.id,
          .ndcg_at_10 = NdcgAt(ranking, judgments, 10),
          .recall_at_100 = RecallAt(ranking, judgments, 100),
          .reciprocal_rank_at_10 = ReciprocalRankAt(ranking, judgments, 10),
          .latency_ms = result.latency_ms,
          .hits = ranking.size(),
      });
      eval.empty_results += ranking.empty();
      latencies.push_back(result.latency_ms);
      if (options.progress) options.progress(mode, eval.queries.size(), count);
    }
    eval.relevance = eval.relevance.Mean();
    eval.latency = SummarizeLatencies(std::move(latencies));
    report.modes.push_back(std::move(eval));
  }
  return report;
}

}  // namespace quarry::search
