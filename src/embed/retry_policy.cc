#include "embed/retry_policy.h"

#include <algorithm>
#include <charconv>

namespace quarry::embed {

bool IsRetryableHttpStatus(unsigned status) { return status == 429 || (status >= 500 && status <= 599); }

std::optional<std::chrono::seconds> ParseRetryAfterSeconds(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty() || value.size() > 9) return std::nullopt;
  uint32_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
  return std::chrono::seconds(seconds);
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, uint32_t retry,
                                       std::optional<std::chrono::seconds> retry_after,
                                       std::mt19937_64& rng) {
  using std::chrono::milliseconds;
  if (retry_after.has_value()) {
    return std::min<milliseconds>(std::chrono::duration_cast<milliseconds>(*retry_after),
                                  policy.max_retry_after);
  }
  // base * 2^retry without overflow: stop doubling once past the cap.
  int64_t ceiling = policy.base.count();
  for (uint32_t i = 0; i < retry && ceiling < policy.max_backoff.count(); ++i) ceiling *= 2;
  ceiling = std::min<int64_t>(ceiling, policy.max_backoff.count());
  if (ceiling <= 0) return milliseconds(0);
  std::uniform_int_distribution<int64_t> uniform(0, ceiling);
  return milliseconds(uniform(rng));
}

}  // namespace quarry::embed
