// The Markdown tables of an embedding benchmark report, and the issue's
// targets checked against it.
//
// Thread-safety: pure functions.
#ifndef QUARRY_BENCH_EMBED_REPORT_H_
#define QUARRY_BENCH_EMBED_REPORT_H_

#include <boost/json/object.hpp>
#include <span>
#include <string>

namespace quarry::bench {

std::string RenderMarkdown(const boost::json::object& report);

// Cosine similarity of rows i of `a` and `b` (both `dim` wide) for every row:
// {"min", "mean"}. Rows of zero norm count as 0.
boost::json::object CosineSummary(std::span<const float> a, std::span<const float> b, size_t dim);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_EMBED_REPORT_H_
