// RedisClient against a real redis-server (cache/testing/redis_server.h).
#include "cache/redis_client.h"

#include <gtest/gtest.h>

#include "base/testing/temp_dir.h"
#include "cache/testing/redis_server.h"

namespace quarry::cache {
namespace {

class RedisClientTest : public ::testing::Test {
 protected:
  void StartRedis(std::vector<std::string> args = {}) {
    auto server = testing::RedisServer::Start(dir_.path(), std::move(args));
    if (server.status().code() == StatusCode::kNotFound) GTEST_SKIP() << server.status().message();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    redis_ = std::move(server).value();
  }
  RedisOptions Options() const {
    RedisOptions o;
    o.port = redis_->port();
    o.connect_timeout = std::chrono::milliseconds(300);
    o.socket_timeout = std::chrono::milliseconds(300);
    return o;
  }

  quarry::testing::TempDir dir_;
  std::unique_ptr<testing::RedisServer> redis_;
};

TEST_F(RedisClientTest, SetsGetsAndDeletesByPattern) {
  StartRedis();
  RedisClient client(Options());
  const std::string binary("a\0b\r\n\xff", 6);
  ASSERT_TRUE(client.Set("quarry:v1:r:1", binary, 60).ok());
  ASSERT_TRUE(client.Set("quarry:v1:e:2", "x", 60).ok());
  ASSERT_TRUE(client.Set("other:3", "y", 60).ok());
  auto got = client.Get("quarry:v1:r:1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, binary);
  auto absent = client.Get("quarry:v1:r:none");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  auto removed = client.DeleteMatching("quarry:v1:*");
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2u);
  EXPECT_FALSE(client.Get("quarry:v1:r:1")->has_value());
  EXPECT_TRUE(client.Get("other:3")->has_value());
}

TEST_F(RedisClientTest, AuthenticatesWithPasswordAndAclUserAndNeverReportsThePassword) {
  // A default-user password, and an ACL user allowed only the quarry: keys.
  StartRedis({"--requirepass", "s3cret-pass", "--user", "cacheuser", "on", ">user-pass",
              "~quarry:*", "+@all"});
  RedisOptions o = Options();
  RedisClient anonymous(o);
  EXPECT_EQ(anonymous.Ping().code(), StatusCode::kUnavailable);

  o.password = "wrong-pass";
  RedisClient wrong(o);
  Status bad = wrong.Set("k", "v", 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message().find("wrong-pass"), std::string::npos) << bad.message();

  o.password = "s3cret-pass";
  RedisClient right(o);
  EXPECT_TRUE(right.Set("k", "v", 10).ok());

  RedisOptions acl = Options();
  acl.user = "cacheuser";
  acl.password = "user-pass";
  RedisClient user(acl);
  EXPECT_TRUE(user.Set("quarry:v1:r:1", "v", 10).ok());
  Status outside = user.Set("other", "v", 10);
  EXPECT_FALSE(outside.ok()) << "the ACL limits the user to quarry:* keys";
  EXPECT_NE(outside.message().find("NOPERM"), std::string::npos) << outside.message();
  acl.password = "s3cret-pass";  // the default user's password is not this user's
  RedisClient mixed(acl);
  Status refused = mixed.Ping();
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.message().find("s3cret"), std::string::npos) << refused.message();
}

TEST_F(RedisClientTest, ReportsADownOrStalledServerAndReconnectsWhenItIsBack) {
  StartRedis();
  RedisClient client(Options());
  ASSERT_TRUE(client.Ping().ok());
  redis_->Pause();
  // The socket timeout ends the call (a hang would hit the test's timeout).
  Status stalled = client.Set("k", "v", 10);
  EXPECT_EQ(stalled.code(), StatusCode::kUnavailable);
  EXPECT_NE(stalled.message().find("SET"), std::string::npos) << stalled.message();
  redis_->Resume();
  EXPECT_TRUE(client.Ping().ok()) << "a fresh connection replaces the broken one";
  redis_->Kill();
  EXPECT_EQ(client.Ping().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(client.Ping().ok());
}

TEST(RedisUrlTest, ParsesHostPortDbAndUserAndRefusesPasswordsAndTls) {
  auto o = ParseRedisUrl("redis://cache@10.0.0.5:6380/2");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->host, "10.0.0.5");
  EXPECT_EQ(o->port, 6380);
  EXPECT_EQ(o->db, 2u);
  EXPECT_EQ(o->user, "cache");
  auto d = ParseRedisUrl("redis://localhost");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, 6379);
  for (const char* bad : {"redis://u:pw@h:1", "rediss://h:1", "http://h:1", "redis://", "redis://h:0",
                          "redis://h:70000", "redis://h:1/16", "redis://h:1/x", "redis://h:x"}) {
    auto r = ParseRedisUrl(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.status().message().find("pw"), std::string::npos);
  }
  EXPECT_EQ(RedisAddress(*o), "redis://cache@10.0.0.5:6380/2");
}

}  // namespace
}  // namespace quarry::cache
