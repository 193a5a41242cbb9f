// RedisClient: a small, blocking client of the Redis protocol (hiredis) with
// a pool of connections, for the L2 cache. Works with Redis, Valkey,
// Dragonfly and KeyDB: it uses only GET, SET EX, SCAN, UNLINK, PING, AUTH and
// SELECT.
//
// Every call is bounded by the connect and socket timeouts; a connection that
// saw any error is closed, never reused. Errors come back as kUnavailable
// with the server's address and what went wrong, never the password.
// TLS: Debian bookworm's hiredis (0.14) has no TLS; reach a TLS-only server
// through a local TLS tunnel (docs/design/cache.md).
//
// Thread-safety: every method may be called from any thread; each call holds
// one pooled connection for its duration.
#ifndef QUARRY_CACHE_REDIS_CLIENT_H_
#define QUARRY_CACHE_REDIS_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"

struct redisContext;

namespace quarry::cache {

struct RedisOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  uint32_t db = 0;
  std::string user;      // ACL user; empty = the default user
  std::string password;  // empty = no AUTH. Never logged or cached.
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds socket_timeout{1000};
  size_t pool_size = 8;  // idle connections kept
};

// redis://[user@]host[:port][/db]. A password in the URL is refused: command
// lines and logs show URLs, so the password comes from the environment.
Result<RedisOptions> ParseRedisUrl(std::string_view url);

// "redis://host:port/db" (and the user, never the password), for logs.
std::string RedisAddress(const RedisOptions& options);

class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // nullopt when the key is absent.
  Result<std::optional<std::string>> Get(std::string_view key);
  // One round trip for several keys; nullopt for each absent one.
  Result<std::vector<std::optional<std::string>>> MGet(const std::vector<std::string>& keys);
  // SET key value EX ttl_seconds. REQUIRES: ttl_seconds >= 1.
  Status Set(std::string_view key, std::string_view value, uint32_t ttl_seconds);
  // Removes every key matching the glob `pattern` (SCAN + UNLINK); returns how many.
  Result<uint64_t> DeleteMatching(std::string_view pattern);
  Status Ping();

  const RedisOptions& options() const { return options_; }

 private:
  struct ContextDeleter {
    void operator()(redisContext* c) const;
  };
  using Connection = std::unique_ptr<redisContext, ContextDeleter>;

  Result<Connection> Acquire();
  void Release(Connection connection);
  // Runs one command on a pooled connection; returns the reply through `use`.
  template <typename Use>
  Status Run(const std::vector<std::string_view>& argv, Use&& use);
  Status Error(std::string_view what) const;

  const RedisOptions options_;
  std::mutex mu_;
  std::vector<Connection> idle_;  // guarded by mu_
};

}  // namespace quarry::cache

#endif  // QUARRY_CACHE_REDIS_CLIENT_H_
