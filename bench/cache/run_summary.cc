#include "run_summary.h"

#include <array>
#include <boost/json.hpp>
#include <unordered_set>

#include "common/latency.h"

namespace quarry::bench {
namespace json = boost::json;
namespace {

constexpr std::array kTiers = {Tier::kL1,   Tier::kL2,    Tier::kMiss,
                               Tier::kNone, Tier::kOther, Tier::kFailed};

struct Times {
  std::vector<double> client;
  std::vector<double> server;

  void Add(const Sample& s) {
    client.push_back(s.client_ms);
    if (s.server_ms >= 0) server.push_back(s.server_ms);
  }
  json::object ToJsonObject() const {
    return {{"client", ToJson(Summarize(client))}, {"server", ToJson(Summarize(server))}};
  }
};

}  // namespace

json::object SummarizeReplay(const ReplayResult& replay, const std::vector<uint32_t>& sequence) {
  std::array<size_t, kTiers.size()> counts{};
  std::array<Times, kTiers.size()> times;
  Times all;
  Times first;
  std::unordered_set<uint32_t> seen;
  for (size_t i = 0; i < replay.samples.size(); ++i) {
    const Sample& s = replay.samples[i];
    const size_t t = static_cast<size_t>(s.tier);
    ++counts[t];
    const bool first_sighting = i < sequence.size() && seen.insert(sequence[i]).second;
    if (s.tier == Tier::kFailed) continue;
    times[t].Add(s);
    all.Add(s);
    if (first_sighting) first.Add(s);
  }
  const size_t searches = replay.samples.size();
  const size_t answered = searches - counts[static_cast<size_t>(Tier::kFailed)];
  auto share = [searches](size_t n) {
    return searches == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(searches);
  };
  const size_t l1 = counts[static_cast<size_t>(Tier::kL1)];
  const size_t l2 = counts[static_cast<size_t>(Tier::kL2)];

  json::object tiers;
  json::object latency{{"all", all.ToJsonObject()}};
  for (Tier tier : kTiers) {
    const size_t t = static_cast<size_t>(tier);
    tiers[TierName(tier)] = counts[t];
    if (tier != Tier::kFailed && tier != Tier::kOther && counts[t] > 0) {
      latency[TierName(tier)] = times[t].ToJsonObject();
    }
  }
  if (!first.client.empty()) latency["first"] = first.ToJsonObject();
  json::array examples;
  for (const std::string& e : replay.error_examples) examples.emplace_back(e);
  return {{"searches", searches},
          {"answered", answered},
          {"errors", replay.errors},
          {"aborted", replay.aborted},
          {"error_examples", std::move(examples)},
          {"wall_s", replay.wall_s},
          {"searches_per_s", replay.wall_s > 0 ? static_cast<double>(answered) / replay.wall_s : 0},
          {"tiers", std::move(tiers)},
          {"hit_rate", share(l1 + l2)},
          {"l1_hit_rate", share(l1)},
          {"l2_hit_rate", share(l2)},
          {"latency", std::move(latency)}};
}

}  // namespace quarry::bench
