// Replaying a sequence of searches against a running `quarry serve` over a
// few kept-alive connections, each driven by its own thread, and recording
// for every search which cache tier answered it (X-Cache) and how long it
// took, seen by the client and by the server (X-Response-Time).
//
// Thread-safety: Replay starts and joins its own threads; call it from one.
#ifndef QUARRY_BENCH_CACHE_REPLAY_H_
#define QUARRY_BENCH_CACHE_REPLAY_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::bench {

// Which tier answered, from the X-Cache header.
enum class Tier : uint8_t {
  kL1,     // "l1"
  kL2,     // "l2"
  kMiss,   // "miss"
  kNone,   // no header: the cache is off
  kOther,  // a value this benchmark does not know
  kFailed  // no 200 answer (transport error, timeout or error status)
};
Tier ParseTier(std::string_view x_cache);
std::string_view TierName(Tier tier);

struct Sample {
  float client_ms = 0;   // round trip on the connection
  float server_ms = -1;  // X-Response-Time; -1 when absent
  uint16_t status = 0;   // HTTP status; 0 when there was no answer
  Tier tier = Tier::kFailed;
};

struct ReplaySpec {
  uint16_t port = 0;
  size_t connections = 2;
  std::chrono::milliseconds timeout{10000};
  // The replay stops early after this many failed searches: a server that
  // fails them all would otherwise take `timeout` per search.
  size_t max_errors = 200;
  // No search is started after this long: a server that answers, but slowly
  // (a Redis timeout on every search), must not keep the benchmark for hours.
  std::chrono::seconds max_duration{600};
};

struct ReplayResult {
  std::vector<Sample> samples;  // one per search sent, in sequence order
  double wall_s = 0;            // first search sent to last answer read
  size_t errors = 0;
  bool aborted = false;                     // stopped at max_errors
  bool truncated = false;                   // stopped at max_duration
  std::vector<std::string> error_examples;  // the first few, for the report
};

// POSTs bodies[sequence[i]] to /api/search for every i, each connection
// taking the next i as soon as its previous search is answered.
ReplayResult Replay(const ReplaySpec& spec, const std::vector<std::string>& bodies,
                    const std::vector<uint32_t>& sequence);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_CACHE_REPLAY_H_
