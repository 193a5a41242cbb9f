#include "search/relevance_metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace quarry::search {
namespace {

int Grade(const Judgments& judgments, const std::string& doc) {
  const auto it = judgments.find(doc);
  return it == judgments.end() ? 0 : it->second;
}

}  // namespace

double NdcgAt(std::span<const std::string> ranking, const Judgments& judgments, size_t k) {
  std::vector<int> ideal;
  for (const auto& [doc, grade] : judgments) {
    if (grade > 0) ideal.push_back(grade);
  }
  if (ideal.empty() || k == 0) return 0;
  std::sort(ideal.begin(), ideal.end(), std::greater<>());
  double idcg = 0;
  for (size_t i = 0; i < ideal.size() && i < k; ++i) idcg += ideal[i] / std::log2(i + 2.0);
  double dcg = 0;
  for (size_t i = 0; i < ranking.size() && i < k; ++i) {
    const int grade = Grade(judgments, ranking[i]);
    if (grade > 0) dcg += grade / std::log2(i + 2.0);
  }
  return dcg / idcg;
}

double RecallAt(std::span<const std::string> ranking, const Judgments& judgments, size_t k) {
  size_t relevant = 0;
  for (const auto& [doc, grade] : judgments) relevant += grade > 0;
  if (relevant == 0) return 0;
  size_t found = 0;
  for (size_t i = 0; i < ranking.size() && i < k; ++i) found += Grade(judgments, ranking[i]) > 0;
  return static_cast<double>(found) / static_cast<double>(relevant);
}

double ReciprocalRankAt(std::span<const std::string> ranking, const Judgments& judgments,
                        size_t k) {
  for (size_t i = 0; i < ranking.size() && i < k; ++i) {
    if (Grade(judgments, ranking[i]) > 0) return 1.0 / static_cast<double>(i + 1);
  }
  return 0;
}

void RelevanceSummary::Add(std::span<const std::string> ranking, const Judgments& judgments) {
  ++queries;
  ndcg_at_10 += NdcgAt(ranking, judgments, 10);
  recall_at_100 += RecallAt(ranking, judgments, 100);
  mrr_at_10 += ReciprocalRankAt(ranking, judgments, 10);
}

RelevanceSummary RelevanceSummary::Mean() const {
  RelevanceSummary mean = *this;
  if (queries == 0) return mean;
  const double n = static_cast<double>(queries);
  mean.ndcg_at_10 /= n;
  mean.recall_at_100 /= n;
  mean.mrr_at_10 /= n;
  return mean;
}

}  // namespace quarry::search
