// The search workload of bench/cache: distinct queries of a BEIR dataset and
// a reproducible Zipf-distributed sequence of them.
//
// Popularity is Zipf(s) over ranks 1..n: P(rank r) = r^-s / H(n, s). Which
// query holds which rank is a seeded shuffle, so that popularity does not
// follow the file's order. The random numbers come from std::mt19937_64 (its
// output is fixed by the standard) turned into doubles by hand, not from
// std::uniform_real_distribution (whose output each library defines), so the
// same seed gives the same sequence everywhere.
//
// Thread-safety: values and pure functions.
#ifndef QUARRY_BENCH_CACHE_WORKLOAD_H_
#define QUARRY_BENCH_CACHE_WORKLOAD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "quarry/status.h"

namespace quarry::bench {

struct QuerySet {
  std::vector<std::string> replayed;  // the first `count` distinct texts, in file order
  std::vector<std::string> held_out;  // the distinct texts after them (server warm-up)
};

// Reads BEIR queries.jsonl ({"_id", "text"} a line). Texts are compared
// exactly; empty ones are skipped. Fewer than `count` distinct texts is an
// error.
Result<QuerySet> LoadQueries(const std::string& queries_jsonl, size_t count);

struct ZipfSpec {
  size_t items = 1000;
  size_t length = 20000;
  double s = 1.1;
  uint64_t seed = 42;
};

// `spec.length` indexes into 0..items-1, drawn by Zipf(s) popularity.
std::vector<uint32_t> ZipfSequence(const ZipfSpec& spec);

// What a cache could do at best with a sequence: every first occurrence is a
// miss, every later one a hit. {"requests", "distinct", "ideal_hit_rate",
// "top1_share", "top10_share" (of requests going to the most frequent 1 and
// 10 items)}.
boost::json::object SequenceStats(const std::vector<uint32_t>& sequence);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_CACHE_WORKLOAD_H_
