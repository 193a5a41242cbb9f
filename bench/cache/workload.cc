#include "workload.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <random>
#include <unordered_set>

namespace quarry::bench {
namespace json = boost::json;
namespace {

// A double in [0, 1) from the top 53 bits of one draw.
double Uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

}  // namespace

Result<QuerySet> LoadQueries(const std::string& queries_jsonl, size_t count) {
  std::ifstream in(queries_jsonl, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + queries_jsonl);
  QuerySet set;
  std::unordered_set<std::string> seen;
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    const json::value* text = !ec && v.is_object() ? v.get_object().if_contains("text") : nullptr;
    if (text == nullptr || !text->is_string()) {
      return Status::InvalidArgument(queries_jsonl + ":" + std::to_string(line_no) +
                                     ": not a {\"_id\", \"text\"} object");
    }
    std::string q(text->get_string());
    if (q.empty() || !seen.insert(q).second) continue;
    (set.replayed.size() < count ? set.replayed : set.held_out).push_back(std::move(q));
  }
  if (set.replayed.size() < count) {
    return Status::InvalidArgument(queries_jsonl + " holds " + std::to_string(set.replayed.size()) +
                                   " distinct queries; the workload needs " +
                                   std::to_string(count));
  }
  return set;
}

std::vector<uint32_t> ZipfSequence(const ZipfSpec& spec) {
  std::vector<uint32_t> out;
  if (spec.items == 0) return out;
  std::mt19937_64 rng(spec.seed);
  // Rank r (0-based) belongs to item order[r].
  std::vector<uint32_t> order(spec.items);
  for (size_t i = 0; i < spec.items; ++i) order[i] = static_cast<uint32_t>(i);
  for (size_t i = spec.items - 1; i > 0; --i) {
    const size_t j = static_cast<size_t>(Uniform(rng) * static_cast<double>(i + 1));
    std::swap(order[i], order[std::min(j, i)]);
  }
  std::vector<double> cdf(spec.items);
  double total = 0;
  for (size_t r = 0; r < spec.items; ++r) {
    total += std::pow(static_cast<double>(r + 1), -spec.s);
    cdf[r] = total;
  }
  out.reserve(spec.length);
  for (size_t i = 0; i < spec.length; ++i) {
    const double u = Uniform(rng) * total;
    const size_t r = static_cast<size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    out.push_back(order[std::min(r, spec.items - 1)]);
  }
  return out;
}

json::object SequenceStats(const std::vector<uint32_t>& sequence) {
  std::vector<size_t> freq;
  for (uint32_t item : sequence) {
    if (item >= freq.size()) freq.resize(item + 1);
    ++freq[item];
  }
  const size_t distinct =
      static_cast<size_t>(std::count_if(freq.begin(), freq.end(), [](size_t f) { return f > 0; }));
  std::sort(freq.begin(), freq.end(), std::greater<>());
  auto share = [&](size_t top) {
    size_t n = 0;
    for (size_t i = 0; i < top && i < freq.size(); ++i) n += freq[i];
    return sequence.empty() ? 0.0 : static_cast<double>(n) / static_cast<double>(sequence.size());
  };
  const double requests = static_cast<double>(sequence.size());
  return {
      {"requests", sequence.size()},
      {"distinct", distinct},
      {"ideal_hit_rate", sequence.empty() ? 0.0 : 1.0 - static_cast<double>(distinct) / requests},
      {"top1_share", share(1)},
      {"top10_share", share(10)}};
}

}  // namespace quarry::bench
