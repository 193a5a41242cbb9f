#include "cli/config_file.h"

#include <gtest/gtest.h>

#include "base/testing/temp_dir.h"
#include "storage/file_util.h"

namespace quarry::cli {
namespace {

TEST(ConfigFileTest, ParsesEveryKey) {
  auto c = ParseConfig(R"(
data = "/srv/quarry"
[server]
host = "0.0.0.0"
port = 9000
threads = 4
max_body_bytes = 1048576
max_upload_bytes = 536870912
max_file_bytes = 2048
default_collection = "docs"
log_level = "warn"
models_dir = "/srv/models"
)",
                       "test.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c->data, "/srv/quarry");
  EXPECT_EQ(*c->host, "0.0.0.0");
  EXPECT_EQ(*c->port, 9000);
  EXPECT_EQ(*c->threads, 4);
  EXPECT_EQ(*c->max_body_bytes, 1048576);
  EXPECT_EQ(*c->max_upload_bytes, 536870912);
  EXPECT_EQ(*c->max_file_bytes, 2048);
  EXPECT_EQ(*c->default_collection, "docs");
  EXPECT_EQ(*c->log_level, "warn");
  EXPECT_EQ(*c->models_dir, "/srv/models");
  auto empty = ParseConfig("", "empty.toml");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->port.has_value());
}

TEST(ConfigFileTest, BadFilesNameTheProblem) {
  struct Case {
    const char* toml;
    const char* expected;
  } cases[] = {
      {"data = ", "line 1"},
      {"[server]\nport = \"80\"", "'server.port' must be an integer"},
      {"[server]\nport = 70000", "between 0 and 65535"},
      {"[server]\nthreads = 0", "'server.threads'"},
      {"[server]\nprot = 80", "unknown key 'server.prot'"},
      {"colour = 1", "unknown key 'colour'"},
      {"server = 3", "'server' must be a table"},
      {"[server]\nmax_body_bytes = 1", "max_body_bytes"},
      {"[server]\nmax_upload_bytes = 10", "'server.max_upload_bytes' must be between"},
      {"[server]\nmax_file_bytes = 0", "'server.max_file_bytes' must be between"},
      {"cache = 1", "'cache' must be a table"},
      {"[cache]\nenabled = 1", "'cache.enabled' must be true or false"},
      {"[cache]\nl2_ttl_s = \"1h\"", "'cache.l2_ttl_s' must be an integer"},
      {"[cache]\nl2_url = 6379", "'cache.l2_url' must be a string"},
      {"[cache]\nl2_password = \"x\"", "unknown key 'cache.l2_password'"},
      {"\xff\xfe garbage", "bad.toml"},
      // Found by config_file_fuzz: toml++ 3.3.0 reached __builtin_unreachable on it.
      {"daua =0\"/htso\010x\001\316\247t[see|M= \012\" h\"\012", "non-ASCII"},
      // toml++ upstream issue #190: a line-ending backslash, then U+00A7.
      {"s = \"\"\"\\\n\xc2\xa7\"\"\"\n", "line 2, column 1: non-ASCII"},
  };
  for (const Case& c : cases) {
    auto r = ParseConfig(c.toml, "bad.toml");
    ASSERT_FALSE(r.ok()) << c.toml;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos)
        << c.toml << " -> " << r.status().message();
    EXPECT_NE(r.status().message().find("bad.toml"), std::string::npos);
  }
}

TEST(ConfigFileTest, ReadsTheCacheTable) {
  auto c = ParseConfig(R"(
[cache]
enabled = false
l2_url = "redis://cache@10.0.0.2:6380/1"
l2_password_env = "MY_PW"
l2_ttl_s = 600
warm_interval_s = 0
key_prefix = "team-a:"
)",
                       "cache.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->cache_enabled, false);
  EXPECT_EQ(c->cache_l2_url, "redis://cache@10.0.0.2:6380/1");
  EXPECT_EQ(c->cache_l2_password_env, "MY_PW");
  EXPECT_EQ(c->cache_l2_ttl_s, 600);
  EXPECT_EQ(c->cache_warm_interval_s, 0);
  EXPECT_EQ(c->cache_key_prefix, "team-a:");
  EXPECT_FALSE(c->cache_result_ttl_s.has_value());
}

TEST(ConfigFileTest, NonAsciiValuesAsEscapes) {
  auto c = ParseConfig("data = \"/home/j\\u00fcrgen/quarry\"\n", "escaped.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c->data, "/home/j\xc3\xbcrgen/quarry");
}

TEST(ConfigFileTest, LoadsFromDiskAndRefusesMissingOrHugeFiles) {
  testing::TempDir dir;
  ASSERT_TRUE(storage::WriteFileAtomically(dir.Sub("q.toml"), "[server]\nport = 1234\n").ok());
  auto c = LoadConfigFile(dir.Sub("q.toml"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c->port, 1234);
  EXPECT_EQ(LoadConfigFile(dir.Sub("missing.toml")).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(storage::WriteFileAtomically(dir.Sub("huge.toml"),
                                           std::string(2 << 20, '#')).ok());
  EXPECT_FALSE(LoadConfigFile(dir.Sub("huge.toml")).ok());
}

}  // namespace
}  // namespace quarry::cli
