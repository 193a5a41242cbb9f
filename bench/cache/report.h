// The Markdown tables of a bench_cache JSON report (the same function
// renders a fresh run and `--render FILE`), with the targets checked
// against it:
//   - hit rate of the cache run >= 85 %
//   - an L1 hit takes < 0.2 ms inside the server (X-Response-Time)
//   - an L2 hit takes < 1 ms inside the server
//   - with Redis down, the client's p99 <= 1.1 x the uncached p99
//
// Thread-safety: pure functions.
#ifndef QUARRY_BENCH_CACHE_REPORT_H_
#define QUARRY_BENCH_CACHE_REPORT_H_

#include <string>

#include <boost/json/object.hpp>

namespace quarry::bench {

std::string RenderMarkdown(const boost::json::object& report);

// What the server's /api/cache/stats counted between `before` and `after`:
// searches answered by each tier {"l1", "l2", "miss"}, and the L2's trouble
// with search results {"l2_errors", "l2_skipped" (breaker open),
// "breaker_opened"}; a counter the answers do not hold is left out.
boost::json::object StatsDelta(const boost::json::object& before, const boost::json::object& after);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_CACHE_REPORT_H_
