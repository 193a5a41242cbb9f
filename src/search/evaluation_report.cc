#include "search/evaluation_report.h"

#include <boost/json.hpp>
#include <cstdio>

namespace quarry::search {
namespace {

namespace json = boost::json;

std::string Fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// 5183 -> "5,183".
std::string Grouped(size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// A table cell: '|' would end it, a line break would end the table.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string RenderEvaluationMarkdown(const EvaluationReport& report) {
  std::string md;
  if (!report.dataset.empty()) md += "**" + Cell(report.dataset) + "**";
  if (!report.split.empty()) md += " (" + Cell(report.split) + ")";
  if (!md.empty()) md += ": ";
  md += Grouped(report.documents) + " documents, " + Grouped(report.queries) +
        " queries, k = " + std::to_string(report.k) + "\n\n";
  md += "| mode | nDCG@10 | Recall@100 | MRR@10 | p50 ms | p95 ms | p99 ms | empty |\n";
  md += "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const ModeEvaluation& m : report.modes) {
    md += "| " + Cell(m.mode) + " | " + Fixed(m.relevance.ndcg_at_10, 4) + " | " +
          Fixed(m.relevance.recall_at_100, 4) + " | " + Fixed(m.relevance.mrr_at_10, 4) + " | " +
          Fixed(m.latency.p50_ms, 3) + " | " + Fixed(m.latency.p95_ms, 3) + " | " +
          Fixed(m.latency.p99_ms, 3) + " | " + std::to_string(m.empty_results) + " |\n";
  }
  return md;
}

std::string RenderEvaluationJson(const EvaluationReport& report, bool per_query) {
  json::array modes;
  for (const ModeEvaluation& m : report.modes) {
    json::object mode{
        {"mode", m.mode},
        {"ndcg_at_10", m.relevance.ndcg_at_10},
        {"recall_at_100", m.relevance.recall_at_100},
        {"mrr_at_10", m.relevance.mrr_at_10},
        {"empty_results", m.empty_results},
        {"latency_ms", json::object{{"count", m.latency.count},
                                    {"mean", m.latency.mean_ms},
                                    {"p50", m.latency.p50_ms},
                                    {"p95", m.latency.p95_ms},
                                    {"p99", m.latency.p99_ms},
                                    {"max", m.latency.max_ms}}},
    };
    if (per_query) {
      json::array queries;
      queries.reserve(m.queries.size());
      for (const QueryEvaluation& q : m.queries) {
        queries.push_back(json::object{{"id", q.query_id},
                                       {"ndcg_at_10", q.ndcg_at_10},
                                       {"recall_at_100", q.recall_at_100},
                                       {"mrr_at_10", q.reciprocal_rank_at_10},
                                       {"latency_ms", q.latency_ms},
                                       {"hits", q.hits}});
      }
      mode["per_query"] = std::move(queries);
    }
    modes.push_back(std::move(mode));
  }
  const json::object root{
      {"dataset", report.dataset}, {"split", report.split}, {"documents", report.documents},
      {"queries", report.queries}, {"k", report.k},         {"modes", std::move(modes)}};
  return json::serialize(root);
}

}  // namespace quarry::search
