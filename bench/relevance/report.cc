#include "report.h"

#include <boost/json.hpp>

#include <cstdio>

namespace quarry::bench {
namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Thousands(double v) {
  const std::string digits = Fixed(v, 0);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string MarkdownTable(const ReportContext& c, const std::vector<RunStats>& runs) {
  std::string out = "BEIR " + c.dataset + ", split " + c.split + ": " + std::to_string(c.queries) +
                    " queries over " + std::to_string(c.documents) + " documents; latency over " +
                    std::to_string(c.passes) + " passes, one thread, analysis included.\n\n";
  out +=
      "| engine | config | nDCG@10 | Recall@100 | MRR@10 | QPS 1T | p50 ms | p99 ms | index s | "
      "index MiB |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  // Appended cell by cell: GCC 12 warns falsely (-Wrestrict) on long chains of operator+.
  for (const RunStats& r : runs) {
    for (const std::string& cell :
         {r.engine, r.config, Fixed(r.relevance.ndcg_at_10, 4), Fixed(r.relevance.recall_at_100, 4),
          Fixed(r.relevance.mrr_at_10, 4), Thousands(r.qps()), Fixed(r.p50_ms, 3),
          Fixed(r.p99_ms, 3), Fixed(r.index_seconds, 2), Fixed(r.index_mib, 1)}) {
      out += "| ";
      out += cell;
      out += ' ';
    }
    out += "|\n";
  }
  return out;
}

std::string ScaleTable(const std::vector<RunStats>& runs) {
  std::string out =
      "Speed at scale (synthetic corpora of real sentences, same queries, no judgments):\n\n"
      "| engine | config | QPS 1T | p50 ms | p99 ms | index s | index MiB |\n"
      "|---|---|--:|--:|--:|--:|--:|\n";
  for (const RunStats& r : runs) {
    for (const std::string& cell :
         {r.engine, r.config, Thousands(r.qps()), Fixed(r.p50_ms, 3), Fixed(r.p99_ms, 3),
          Fixed(r.index_seconds, 2), Fixed(r.index_mib, 1)}) {
      out += "| ";
      out += cell;
      out += ' ';
    }
    out += "|\n";
  }
  return out;
}

std::string JsonReport(const ReportContext& c, const std::vector<RunStats>& runs) {
  boost::json::object root;
  root["benchmark"] = "relevance";
  root["dataset"] = c.dataset;
  root["split"] = c.split;
  root["documents"] = c.documents;
  root["queries"] = c.queries;
  root["passes"] = c.passes;
  root["machine"] = c.machine;
  root["command"] = c.command;
  boost::json::array list;
  for (const RunStats& r : runs) {
    boost::json::object o;
    o["engine"] = r.engine;
    o["config"] = r.config;
    o["ndcg_at_10"] = r.relevance.ndcg_at_10;
    o["recall_at_100"] = r.relevance.recall_at_100;
    o["mrr_at_10"] = r.relevance.mrr_at_10;
    o["evaluated_queries"] = r.relevance.queries;
    o["timed_queries"] = r.timed_queries;
    o["qps_one_thread"] = r.qps();
    o["p50_ms"] = r.p50_ms;
    o["p99_ms"] = r.p99_ms;
    o["index_seconds"] = r.index_seconds;
    o["index_mib"] = r.index_mib;
    list.push_back(std::move(o));
  }
  root["runs"] = std::move(list);
  return boost::json::serialize(root) + "\n";
}

}  // namespace quarry::bench
