// When and how long a remote embedder waits before trying a request again.
//
// Retried: HTTP 429 and 5xx, and failures to connect, send or receive
// (timeouts included). Not retried: any other status (4xx: the request itself
// is wrong, or the key is; sending it again cannot help).
// The wait before retry n (0-based) is "full jitter" exponential backoff:
// uniform in [0, min(max_backoff, base * 2^n)], so that many clients that
// failed together do not come back together. A Retry-After of whole seconds
// from the service replaces it, capped at max_retry_after (an HTTP date is
// ignored: clocks disagree).
//
// Thread-safety: RetryPolicy is a plain value; BackoffDelay draws from the
// generator it is given (one per call of Embed).
#ifndef QUARRY_EMBED_RETRY_POLICY_H_
#define QUARRY_EMBED_RETRY_POLICY_H_

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

namespace quarry::embed {

struct RetryPolicy {
  uint32_t max_retries = 4;
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds max_backoff{20000};
  std::chrono::milliseconds max_retry_after{60000};
};

bool IsRetryableHttpStatus(unsigned status);

// Whole non-negative seconds, or nullopt for anything else (dates included).
std::optional<std::chrono::seconds> ParseRetryAfterSeconds(std::string_view value);

// REQUIRES: retry < policy.max_retries.
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, uint32_t retry,
                                       std::optional<std::chrono::seconds> retry_after,
                                       std::mt19937_64& rng);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_RETRY_POLICY_H_
