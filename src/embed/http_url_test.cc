// ParseEmbeddingsUrl: the endpoint a base_url means, and what it refuses.
#include "embed/http_url.h"

#include <gtest/gtest.h>

namespace quarry::embed {
namespace {

TEST(HttpUrlTest, FollowsTheSdkConvention) {
  struct Case {
    const char* url;
    const char* host;
    uint16_t port;
    const char* target;
  };
  const Case cases[] = {
      {"http://127.0.0.1:11434/v1", "127.0.0.1", 11434, "/v1/embeddings"},
      {"http://localhost:8080", "localhost", 8080, "/v1/embeddings"},
      {"http://tei/", "tei", 80, "/v1/embeddings"},
      {"http://h/v1/embeddings", "h", 80, "/v1/embeddings"},
      {"http://h/openai/v1/?api-version=preview", "h", 80, "/openai/v1/embeddings?api-version=preview"},
      {"http://[::1]:9000/v1", "::1", 9000, "/v1/embeddings"},
      {"https://api.openai.com/v1", "api.openai.com", 443, "/v1/embeddings"},
      {"https://localhost:8443", "localhost", 8443, "/v1/embeddings"},
      // Azure OpenAI: the deployment's URL already ends in /embeddings.
      {"https://r.openai.azure.com/openai/deployments/d/embeddings?api-version=2024-02-01",
       "r.openai.azure.com", 443, "/openai/deployments/d/embeddings?api-version=2024-02-01"},
  };
  for (const Case& c : cases) {
    auto u = ParseEmbeddingsUrl(c.url);
    ASSERT_TRUE(u.ok()) << c.url << ": " << u.status().ToString();
    EXPECT_EQ(u->host, c.host) << c.url;
    EXPECT_EQ(u->port, c.port) << c.url;
    EXPECT_EQ(u->target, c.target) << c.url;
    EXPECT_EQ(u->tls, std::string_view(c.url).starts_with("https://")) << c.url;
  }
  EXPECT_EQ(ParseEmbeddingsUrl("http://[::1]:9000/v1")->authority(), "[::1]:9000");
}

TEST(HttpUrlTest, RefusesWhatItCannotUse) {
  for (const char* bad : {"ftp://h", "h:80", "http://", "https://", "http://:80", "http://h:0",
                          "https://u:p@h/v1", "httpx://h",
                          "http://h:99999", "http://h:x", "http://u:p@h/v1", "http://h/a b",
                          "http://[::1"}) {
    auto u = ParseEmbeddingsUrl(bad);
    EXPECT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace quarry::embed
