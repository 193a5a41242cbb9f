#include "replay.h"

#include <atomic>
#include <mutex>
#include <thread>

#include "http_client.h"

namespace quarry::bench {
namespace {

constexpr size_t kErrorExamples = 5;

}  // namespace

Tier ParseTier(std::string_view x_cache) {
  if (x_cache.empty()) return Tier::kNone;
  if (x_cache == "l1" || x_cache == "L1") return Tier::kL1;
  if (x_cache == "l2" || x_cache == "L2") return Tier::kL2;
  if (x_cache == "miss" || x_cache == "MISS") return Tier::kMiss;
  return Tier::kOther;
}

std::string_view TierName(Tier tier) {
  switch (tier) {
    case Tier::kL1:
      return "l1";
    case Tier::kL2:
      return "l2";
    case Tier::kMiss:
      return "miss";
    case Tier::kNone:
      return "none";
    case Tier::kOther:
      return "other";
    case Tier::kFailed:
      return "failed";
  }
  return "failed";
}

ReplayResult Replay(const ReplaySpec& spec, const std::vector<std::string>& bodies,
                    const std::vector<uint32_t>& sequence) {
  ReplayResult result;
  result.samples.resize(sequence.size());
  std::atomic<size_t> next{0};
  std::atomic<size_t> taken{0};  // indices claimed: always 0..taken-1
  std::atomic<size_t> errors{0};
  std::mutex examples_mu;

  auto fail = [&](Sample& sample, std::string what) {
    sample.tier = Tier::kFailed;
    if (errors.fetch_add(1) + 1 >= spec.max_errors) next.store(sequence.size());
    std::lock_guard lock(examples_mu);
    if (result.error_examples.size() < kErrorExamples) {
      result.error_examples.push_back(std::move(what));
    }
  };
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + spec.max_duration;
  std::atomic<bool> truncated{false};
  auto drive = [&] {
    HttpClient client(spec.port, spec.timeout);
    for (size_t i = next.fetch_add(1); i < sequence.size(); i = next.fetch_add(1)) {
      taken.fetch_add(1);
      if (std::chrono::steady_clock::now() > deadline) {
        truncated.store(true);
        next.store(sequence.size());
      }
      Sample& sample = result.samples[i];
      Result<HttpReply> reply = client.Post("/api/search", bodies[sequence[i]]);
      if (!reply.ok()) {
        fail(sample, reply.status().message());
        continue;
      }
      sample.client_ms = static_cast<float>(reply->round_trip_ms);
      sample.server_ms = static_cast<float>(reply->server_ms);
      sample.status = static_cast<uint16_t>(reply->status);
      if (reply->status != 200) {
        fail(sample, "HTTP " + std::to_string(reply->status) + ": " + reply->body.substr(0, 300));
        continue;
      }
      sample.tier = ParseTier(reply->x_cache);
    }
  };

  std::vector<std::thread> threads;
  for (size_t c = 0; c < spec.connections; ++c) threads.emplace_back(drive);
  for (std::thread& t : threads) t.join();
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.errors = errors.load();
  result.aborted = result.errors >= spec.max_errors;
  result.truncated = truncated.load();
  result.samples.resize(taken.load());  // searches never sent are not samples
  return result;
}

}  // namespace quarry::bench
