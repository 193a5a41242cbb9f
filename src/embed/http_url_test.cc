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
  };
  for (const Case& c : cases) {
    auto u = ParseEmbeddingsUrl(c.url);
    ASSERT_TRUE(u.ok()) << c.url << ": " << u.status().ToString();
    EXPECT_EQ(u->host, c.host) << c.url;
    EXPECT_EQ(u->port, c.port) << c.url;
    EXPECT_EQ(u->target, c.target) << c.url;
  }
  EXPECT_EQ(ParseEmbeddingsUrl("http://[::1]:9000/v1")->authority(), "[::1]:9000");
}

TEST(HttpUrlTest, RefusesWhatItCannotUse) {
  EXPECT_EQ(ParseEmbeddingsUrl("https://api.openai.com/v1").status().code(),
            StatusCode::kNotSupported);
  for (const char* bad : {"ftp://h", "h:80", "http://", "http://:80", "http://h:0",
                          "http://h:99999", "http://h:x", "http://u:p@h/v1", "http://h/a b",
                          "http://[::1"}) {
    auto u = ParseEmbeddingsUrl(bad);
    EXPECT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace quarry::embed
