#include "cache/circuit_breaker.h"

#include <gtest/gtest.h>

namespace quarry::cache {
namespace {

TEST(CircuitBreakerTest, OpensAfterTheThresholdProbesOnceThenCloses) {
  CacheClock::time_point now{};
  CircuitBreaker breaker({.failure_threshold = 3, .open_for = std::chrono::seconds(2)},
                         [&now] { return now; });
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(breaker.Allow());
    breaker.RecordFailure();
  }
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kClosed);
  ASSERT_TRUE(breaker.Allow());
  breaker.RecordFailure();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kOpen);
  EXPECT_FALSE(breaker.Allow());
  now += std::chrono::milliseconds(1999);
  EXPECT_FALSE(breaker.Allow());
  now += std::chrono::milliseconds(1);
  EXPECT_TRUE(breaker.Allow());   // the probe
  EXPECT_FALSE(breaker.Allow());  // only one at a time
  breaker.RecordFailure();        // the probe failed: open again
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kOpen);
  now += std::chrono::seconds(2);
  EXPECT_TRUE(breaker.Allow());
  breaker.RecordSuccess();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kClosed);
  EXPECT_TRUE(breaker.Allow());
  EXPECT_TRUE(breaker.Allow());
  EXPECT_EQ(breaker.times_opened(), 2u);
}

TEST(CircuitBreakerTest, ASuccessResetsTheFailureCount) {
  CircuitBreaker breaker({.failure_threshold = 2});
  breaker.RecordFailure();
  breaker.RecordSuccess();
  breaker.RecordFailure();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kClosed);
  breaker.RecordFailure();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kOpen);
}

}  // namespace
}  // namespace quarry::cache
