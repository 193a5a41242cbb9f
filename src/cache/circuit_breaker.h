// CircuitBreaker: stops calling a failing dependency (the L2) for a while,
// then lets one probe through to see whether it is back.
//
// closed: calls go through; `failure_threshold` failures in a row open it.
// open: calls are refused at once for `open_for`; then it is half-open.
// half-open: one call goes through as a probe; success closes the breaker,
// failure opens it again for another `open_for`.
// So a dead or stalled Redis costs at most `failure_threshold` timeouts, then
// one probe per `open_for`, instead of a timeout on every request.
//
// Thread-safety: every method may be called from any thread.
#ifndef QUARRY_CACHE_CIRCUIT_BREAKER_H_
#define QUARRY_CACHE_CIRCUIT_BREAKER_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "cache/lru_cache.h"

namespace quarry::cache {

struct BreakerOptions {
  uint32_t failure_threshold = 3;
  std::chrono::milliseconds open_for{2000};
};

class CircuitBreaker {
 public:
  enum class State { kClosed, kOpen, kHalfOpen };

  explicit CircuitBreaker(BreakerOptions options = {}, NowFunction now = nullptr);

  // True when a call may go ahead; the caller then reports its outcome.
  bool Allow();
  void RecordSuccess();
  void RecordFailure();

  // True while open and before the probe is due: a call now would be
  // refused. No side effect (Allow() makes the half-open transition).
  bool IsRefusing() const;
  State state() const;
  uint64_t times_opened() const;

 private:
  const BreakerOptions options_;
  const NowFunction now_;
  mutable std::mutex mu_;
  State state_ = State::kClosed;          // guarded by mu_
  uint32_t failures_ = 0;                 // in a row; guarded by mu_
  CacheClock::time_point open_until_{};   // guarded by mu_
  bool probe_in_flight_ = false;          // guarded by mu_
  uint64_t times_opened_ = 0;             // guarded by mu_
};

std::string_view BreakerStateName(CircuitBreaker::State state);  // "closed", "open", "half_open"

}  // namespace quarry::cache

#endif  // QUARRY_CACHE_CIRCUIT_BREAKER_H_
