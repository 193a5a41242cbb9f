// The relevance benchmark's outputs: a Markdown table (printed, and kept in
// docs/benchmarks.md) and a JSON report with every figure.
//
// Thread-safety: pure functions.
#ifndef QUARRY_BENCH_RELEVANCE_REPORT_H_
#define QUARRY_BENCH_RELEVANCE_REPORT_H_

#include <string>
#include <vector>

#include "run_stats.h"

namespace quarry::bench {

struct ReportContext {
  std::string dataset;  // path
  std::string split;
  size_t documents = 0;
  size_t queries = 0;
  size_t passes = 0;
  std::string machine;
  std::string command;
};

std::string MarkdownTable(const ReportContext& context, const std::vector<RunStats>& runs);
// Speed only (no judgments): synthetic corpora, per algorithm and k.
std::string ScaleTable(const std::vector<RunStats>& runs);
std::string JsonReport(const ReportContext& context, const std::vector<RunStats>& runs);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_RELEVANCE_REPORT_H_
