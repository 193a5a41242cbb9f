// RetryPolicy: what is retried, how long the waits are, Retry-After parsing;
// and the token estimate of remote embedders.
#include "embed/retry_policy.h"

#include <gtest/gtest.h>

#include "embed/token_estimate.h"

namespace quarry::embed {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RetryPolicyTest, RetriesOnlyRateLimitsAndServerErrors) {
  for (unsigned s : {429u, 500u, 502u, 503u, 504u}) EXPECT_TRUE(IsRetryableHttpStatus(s)) << s;
  for (unsigned s : {200u, 400u, 401u, 403u, 404u, 413u, 422u}) {
    EXPECT_FALSE(IsRetryableHttpStatus(s)) << s;
  }
}

TEST(RetryPolicyTest, RetryAfterIsWholeSeconds) {
  EXPECT_EQ(ParseRetryAfterSeconds("7"), seconds(7));
  EXPECT_EQ(ParseRetryAfterSeconds(" 0 "), seconds(0));
  EXPECT_EQ(ParseRetryAfterSeconds(""), std::nullopt);
  EXPECT_EQ(ParseRetryAfterSeconds("-1"), std::nullopt);
  EXPECT_EQ(ParseRetryAfterSeconds("1.5"), std::nullopt);
  EXPECT_EQ(ParseRetryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(ParseRetryAfterSeconds("99999999999999"), std::nullopt);
}

TEST(RetryPolicyTest, FullJitterStaysUnderTheCappedExponential) {
  RetryPolicy p;
  p.base = milliseconds(100);
  p.max_backoff = milliseconds(1000);
  p.max_retry_after = milliseconds(5000);
  std::mt19937_64 rng(42);
  for (uint32_t retry = 0; retry < 40; ++retry) {
    const int64_t ceiling = std::min<int64_t>(1000, retry < 20 ? 100ll << retry : 1000);
    milliseconds max_seen(0);
    for (int i = 0; i < 200; ++i) {
      milliseconds d = BackoffDelay(p, retry, std::nullopt, rng);
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d.count(), ceiling) << retry;
      max_seen = std::max(max_seen, d);
    }
    EXPECT_GT(max_seen.count(), ceiling / 2) << "jitter should spread over [0, ceiling]";
  }
  EXPECT_EQ(BackoffDelay(p, 0, seconds(3), rng), milliseconds(3000));
  EXPECT_EQ(BackoffDelay(p, 0, seconds(3600), rng), milliseconds(5000));  // capped
}

TEST(TokenEstimateTest, StaysAboveSubwordTokenizers) {
  // all-MiniLM-L6-v2's WordPiece gives 6 for "Hello, world!" ([CLS] hello , world ! [SEP]).
  EXPECT_GE(EstimateTokens("Hello, world!"), 6u);
  EXPECT_EQ(EstimateTokens(""), 2u);
  // Digits and punctuation: one token each in WordPiece.
  EXPECT_GE(EstimateTokens("1,2,3,4,5"), 2u + 9u);
  // CJK: about a token a character (3 bytes).
  EXPECT_GE(EstimateTokens("東京都庁"), 2u + 4u);
  // English prose: well above the ~1 token per 4.5 bytes of real tokenizers.
  const std::string prose =
      "The quick brown fox jumps over the lazy dog while the search engine indexes documents.";
  EXPECT_GE(EstimateTokens(prose), prose.size() / 3);
}

}  // namespace
}  // namespace quarry::embed
