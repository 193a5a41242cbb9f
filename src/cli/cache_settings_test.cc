#include "cli/cache_settings.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace quarry::cli {
namespace {

TEST(CacheSettingsTest, DefaultsFollowTheRoadmap) {
  auto o = MakeCacheOptions(CacheSettings{});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->enabled);
  EXPECT_EQ(o->result_entries, 5000u);
  EXPECT_EQ(o->result_ttl, std::chrono::seconds(60));
  EXPECT_EQ(o->embedding_entries, 10000u);
  EXPECT_EQ(o->embedding_ttl, std::chrono::seconds(300));
  EXPECT_EQ(o->l2_ttl_seconds, 3600u);
  EXPECT_EQ(o->warm_interval, std::chrono::seconds(300));
  EXPECT_FALSE(o->l2.has_value());
}

TEST(CacheSettingsTest, ThePasswordComesFromTheNamedEnvironmentVariable) {
  CacheSettings s;
  s.l2_url = "redis://cache@127.0.0.1:7000/1";
  s.l2_password_env = "QUARRY_TEST_L2_PASSWORD";
  s.l2_timeout_ms = 250;
  ::setenv("QUARRY_TEST_L2_PASSWORD", "pw-from-env", 1);
  auto o = MakeCacheOptions(s);
  ::unsetenv("QUARRY_TEST_L2_PASSWORD");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ASSERT_TRUE(o->l2.has_value());
  EXPECT_EQ(o->l2->password, "pw-from-env");
  EXPECT_EQ(o->l2->user, "cache");
  EXPECT_EQ(o->l2->port, 7000);
  EXPECT_EQ(o->l2->socket_timeout, std::chrono::milliseconds(250));
}

TEST(CacheSettingsTest, RefusesOutOfRangeValuesNamingTheFlag) {
  struct Case {
    void (*change)(CacheSettings&);
    const char* flag;
  };
  const Case cases[] = {
      {[](CacheSettings& s) { s.l2_ttl_s = 0; }, "--cache-l2-ttl"},
      {[](CacheSettings& s) { s.l2_timeout_ms = 5; }, "--cache-l2-timeout-ms"},
      {[](CacheSettings& s) { s.result_entries = -1; }, "--cache-result-entries"},
      {[](CacheSettings& s) { s.result_ttl_s = 0; }, "--cache-result-ttl"},
      {[](CacheSettings& s) { s.embedding_entries = 1LL << 40; }, "--cache-embedding-entries"},
      {[](CacheSettings& s) { s.warm_interval_s = -5; }, "--cache-warm-interval"},
      {[](CacheSettings& s) { s.warm_top = 100000; }, "--cache-warm-top"},
      {[](CacheSettings& s) { s.key_prefix = "a*b"; }, "--cache-key-prefix"},
      {[](CacheSettings& s) { s.key_prefix = ""; }, "--cache-key-prefix"},
      {[](CacheSettings& s) { s.l2_url = "redis://user:secret@h:1"; }, "--cache-l2"},
      {[](CacheSettings& s) { s.l2_url = "rediss://h:1"; }, "--cache-l2"},
  };
  for (const Case& c : cases) {
    CacheSettings s;
    c.change(s);
    auto o = MakeCacheOptions(s);
    ASSERT_EQ(o.status().code(), StatusCode::kInvalidArgument) << c.flag;
    EXPECT_NE(o.status().message().find(c.flag), std::string::npos) << o.status().message();
    EXPECT_EQ(o.status().message().find("secret"), std::string::npos) << o.status().message();
  }
}

}  // namespace
}  // namespace quarry::cli
