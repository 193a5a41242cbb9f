// The `openai` embedder against FakeOpenAiServer, a stand-in on loopback that
// speaks the real protocol and misbehaves on demand: retries (counted on the
// server), timeouts, batch splitting, hostile answers, and the API key kept
// out of every error.
#include "embed/openai_embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <mutex>

#include "embed/embedder_factory.h"
#include "embed/fake_openai_server.h"

namespace quarry::embed {
namespace {

using std::chrono::milliseconds;
using testing::Behavior;
using testing::FakeOpenAiServer;

constexpr uint32_t kDims = 16;
constexpr char kKey[] = "sk-test-5b1e9c0d7a";

class OpenAiEmbedderTest : public ::testing::Test {
 protected:
  std::unique_ptr<OpenAiEmbedder> Make(uint32_t max_batch = 96, uint32_t max_retries = 3,
                                       milliseconds timeout = milliseconds(2000),
                                       std::string key = kKey) {
    OpenAiEmbedderOptions o;
    o.base_url = server_.base_url();
    o.model = "test-model";
    o.api_key = std::move(key);
    o.dimensions = kDims;
    o.max_batch = max_batch;
    o.timeout = timeout;
    o.retry.max_retries = max_retries;
    o.retry.base = milliseconds(100);
    o.retry.max_backoff = milliseconds(400);
    o.retry.max_retry_after = milliseconds(2500);
    o.sleep = [this](milliseconds d) {
      std::lock_guard<std::mutex> lock(mu_);
      sleeps_.push_back(d);
    };
    auto made = OpenAiEmbedder::Create(std::move(o));
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? std::move(made).value() : nullptr;
  }

  static void ExpectVectors(std::span<const std::string_view> texts, std::span<const float> out) {
    for (size_t i = 0; i < texts.size(); ++i) {
      std::vector<float> want = FakeOpenAiServer::VectorFor(texts[i], kDims);
      double norm = 0;
      for (float x : want) norm += double(x) * x;
      for (uint32_t d = 0; d < kDims; ++d) {
        const double expected = texts[i].empty() ? 0.0 : want[d] / std::sqrt(norm);
        EXPECT_NEAR(out[i * kDims + d], expected, 1e-6) << "text " << i << " dim " << d;
      }
    }
  }

  Status EmbedOne(const OpenAiEmbedder& e) {
    std::vector<std::string_view> texts{"alpha", "beta"};
    std::vector<float> out(texts.size() * kDims);
    return e.Embed(texts, EmbedPurpose::kDocument, out);
  }

  FakeOpenAiServer server_{kDims, kKey};
  std::mutex mu_;
  std::vector<milliseconds> sleeps_;
};

TEST_F(OpenAiEmbedderTest, EmbedsNormalizesAndReusesTheConnection) {
  auto e = Make();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->dimensions(), kDims);
  EXPECT_EQ(e->max_tokens(), 512u);
  EXPECT_TRUE(e->semantic());
  EXPECT_EQ(e->fingerprint(), "openai-v1/127.0.0.1/test-model/d16");
  std::vector<std::string_view> texts{"alpha", "", "gamma delta", "東京"};
  std::vector<float> out(texts.size() * kDims, -1.0f);
  ASSERT_TRUE(e->Embed(texts, EmbedPurpose::kDocument, out).ok());
  ExpectVectors(texts, out);
  EXPECT_EQ(server_.batch_sizes(), std::vector<size_t>{3});  // the empty text is not sent
  ASSERT_TRUE(e->Embed(texts, EmbedPurpose::kQuery, out).ok());
  EXPECT_EQ(server_.requests(), 2);
  EXPECT_EQ(server_.connections(), 1);  // kept alive
}

TEST_F(OpenAiEmbedderTest, SplitsRequestsAtMaxBatch) {
  auto e = Make(/*max_batch=*/4);
  std::vector<std::string> owned;
  for (int i = 0; i < 10; ++i) owned.push_back("text number " + std::to_string(i));
  std::vector<std::string_view> texts(owned.begin(), owned.end());
  std::vector<float> out(texts.size() * kDims);
  ASSERT_TRUE(e->Embed(texts, EmbedPurpose::kDocument, out).ok());
  EXPECT_EQ(server_.batch_sizes(), (std::vector<size_t>{4, 4, 2}));
  ExpectVectors(texts, out);
}

TEST_F(OpenAiEmbedderTest, RetriesRateLimitsHonoringRetryAfterUpToItsCap) {
  auto e = Make();
  server_.set_retry_after("1");
  server_.Misbehave(Behavior::kTooManyRequests, 1);
  ASSERT_TRUE(EmbedOne(*e).ok());
  server_.set_retry_after("3600");
  server_.Misbehave(Behavior::kTooManyRequests, 1);
  ASSERT_TRUE(EmbedOne(*e).ok());
  EXPECT_EQ(server_.requests(), 4);
  EXPECT_EQ(sleeps_, (std::vector<milliseconds>{milliseconds(1000), milliseconds(2500)}));
}

TEST_F(OpenAiEmbedderTest, RetriesServerErrorsWithJitteredBackoffThenGivesUp) {
  auto e = Make(96, /*max_retries=*/3);
  server_.Misbehave(Behavior::kServerError, 2);
  ASSERT_TRUE(EmbedOne(*e).ok());
  EXPECT_EQ(server_.requests(), 3);
  server_.Misbehave(Behavior::kServerError, 100);
  Status s = EmbedOne(*e);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("HTTP 500: internal failure"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("gave up after 4 attempts"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("model test-model"), std::string::npos) << s.ToString();
  EXPECT_EQ(server_.requests(), 3 + 4);
  ASSERT_EQ(sleeps_.size(), 2u + 3u);
  const int64_t ceilings[] = {100, 200, 100, 200, 400};
  for (size_t i = 0; i < sleeps_.size(); ++i) EXPECT_LE(sleeps_[i].count(), ceilings[i]) << i;
}

TEST_F(OpenAiEmbedderTest, RetriesDroppedConnections) {
  auto e = Make();
  server_.Misbehave(Behavior::kClose, 2);
  ASSERT_TRUE(EmbedOne(*e).ok());
  EXPECT_EQ(server_.requests(), 3);
}

TEST_F(OpenAiEmbedderTest, OtherClientErrorsAreNotRetried) {
  auto e = Make();
  server_.Misbehave(Behavior::kBadRequest, 5);
  Status s = EmbedOne(*e);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("HTTP 400: input is too long"), std::string::npos) << s.ToString();
  EXPECT_EQ(server_.requests(), 1);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(OpenAiEmbedderTest, TheKeyNeverAppearsInErrors) {
  auto wrong = Make(96, 3, milliseconds(2000), "sk-wrong-key-0042");
  Status s = EmbedOne(*wrong);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("HTTP 401: Incorrect API key provided"), std::string::npos)
      << s.ToString();
  EXPECT_EQ(s.message().find("sk-wrong-key-0042"), std::string::npos) << s.ToString();

  auto e = Make();
  server_.Misbehave(Behavior::kEchoAuth, 1);  // a service that repeats the header back
  s = EmbedOne(*e);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().find(kKey), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("Bearer [redacted]"), std::string::npos) << s.ToString();
  EXPECT_EQ(e->fingerprint().find(kKey), std::string::npos);
}

TEST_F(OpenAiEmbedderTest, TimeoutFiresAndIsRetried) {
  server_.set_slow_ms(1500);
  auto once = Make(96, /*max_retries=*/0, milliseconds(200));
  server_.Misbehave(Behavior::kSlow, 1);
  Status s = EmbedOne(*once);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("timed out after 200 ms"), std::string::npos) << s.ToString();

  auto twice = Make(96, /*max_retries=*/1, milliseconds(200));
  server_.Misbehave(Behavior::kSlow, 1);
  EXPECT_TRUE(EmbedOne(*twice).ok());
  EXPECT_EQ(server_.requests(), 3);
}

TEST_F(OpenAiEmbedderTest, HostileAnswersGiveClearErrorsWithoutRetrying) {
  auto e = Make();
  const std::pair<Behavior, const char*> cases[] = {
      {Behavior::kMalformedJson, "not JSON"},
      {Behavior::kWrongDimensions, "has 17 values but embedder.dimensions is 16"},
      {Behavior::kWrongCount, "1 embeddings for 2 inputs"},
      {Behavior::kHugeValue, "not a finite float32"},
      {Behavior::kHugeBody, "the answer is larger than"},
  };
  int requests = 0;
  for (const auto& [behavior, fragment] : cases) {
    server_.Misbehave(behavior, 1);
    Status s = EmbedOne(*e);
    EXPECT_FALSE(s.ok()) << fragment;
    EXPECT_NE(s.message().find(fragment), std::string::npos) << s.ToString();
    EXPECT_EQ(server_.requests(), ++requests) << fragment;
  }
  server_.Misbehave(Behavior::kShuffled, 1);  // out of order but complete: fine
  std::vector<std::string_view> texts{"one", "two", "three"};
  std::vector<float> out(texts.size() * kDims);
  ASSERT_TRUE(e->Embed(texts, EmbedPurpose::kDocument, out).ok());
  ExpectVectors(texts, out);
}

TEST_F(OpenAiEmbedderTest, UnreachableServiceIsUnavailable) {
  OpenAiEmbedderOptions o;
  o.base_url = "http://127.0.0.1:1/v1";  // nothing listens on port 1
  o.model = "m";
  o.dimensions = kDims;
  o.retry.max_retries = 2;
  int sleeps = 0;
  o.sleep = [&](milliseconds) { ++sleeps; };
  auto e = OpenAiEmbedder::Create(std::move(o));
  ASSERT_TRUE(e.ok());
  Status s = EmbedOne(**e);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("connect"), std::string::npos) << s.ToString();
  EXPECT_EQ(sleeps, 2);
}

TEST_F(OpenAiEmbedderTest, FactoryReadsTheKeyFromTheNamedVariable) {
  EmbedderConfig config;
  config.kind = EmbedderKind::kOpenAi;
  config.base_url = server_.base_url();
  config.model = "test-model";
  config.dimensions = kDims;
  config.api_key_env = "QUARRY_TEST_OPENAI_KEY";
  ::unsetenv("QUARRY_TEST_OPENAI_KEY");
  auto missing = MakeEmbedder(config);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("QUARRY_TEST_OPENAI_KEY is not set"),
            std::string::npos);
  ::setenv("QUARRY_TEST_OPENAI_KEY", kKey, 1);
  auto made = MakeEmbedder(config);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  std::vector<std::string_view> texts{"alpha"};
  std::vector<float> out(kDims);
  EXPECT_TRUE((*made)->Embed(texts, EmbedPurpose::kQuery, out).ok());
  config.base_url = "ftp://api.openai.com/v1";
  EXPECT_EQ(MakeEmbedder(config).status().code(), StatusCode::kInvalidArgument);
  ::unsetenv("QUARRY_TEST_OPENAI_KEY");
}

}  // namespace
}  // namespace quarry::embed
