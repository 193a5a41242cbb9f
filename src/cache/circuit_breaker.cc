#include "cache/circuit_breaker.h"

namespace quarry::cache {

CircuitBreaker::CircuitBreaker(BreakerOptions options, NowFunction now)
    : options_(options),
      now_(now ? std::move(now) : NowFunction([] { return CacheClock::now(); })) {}

bool CircuitBreaker::Allow() {
  std::lock_guard<std::mutex> lock(mu_);
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen:
      if (now_() < open_until_) return false;
      state_ = State::kHalfOpen;
      probe_in_flight_ = true;
      return true;
    case State::kHalfOpen:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard<std::mutex> lock(mu_);
  state_ = State::kClosed;
  failures_ = 0;
  probe_in_flight_ = false;
}

void CircuitBreaker::RecordFailure() {
  std::lock_guard<std::mutex> lock(mu_);
  probe_in_flight_ = false;
  ++failures_;
  if (state_ == State::kHalfOpen || failures_ >= options_.failure_threshold) {
    if (state_ != State::kOpen) ++times_opened_;
    state_ = State::kOpen;
    open_until_ = now_() + options_.open_for;
  }
}

bool CircuitBreaker::IsRefusing() const {
  std::lock_guard<std::mutex> lock(mu_);
  return (state_ == State::kOpen && now_() < open_until_) ||
         (state_ == State::kHalfOpen && probe_in_flight_);
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

uint64_t CircuitBreaker::times_opened() const {
  std::lock_guard<std::mutex> lock(mu_);
  return times_opened_;
}

std::string_view BreakerStateName(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::kClosed: return "closed";
    case CircuitBreaker::State::kOpen: return "open";
    case CircuitBreaker::State::kHalfOpen: return "half_open";
  }
  return "closed";
}

}  // namespace quarry::cache
