#include "cli/cache_settings.h"

#include <cstdlib>

namespace quarry::cli {
namespace {

constexpr int64_t kMaxEntries = 10'000'000;
constexpr int64_t kMaxTtlSeconds = 30 * 86400;

Status CheckRange(const char* flag, int64_t value, int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi) return Status::Ok();
  return Status::InvalidArgument(std::string(flag) + " must be between " + std::to_string(lo) +
                                 " and " + std::to_string(hi) + ", got " + std::to_string(value));
}

// Key prefixes become part of a SCAN MATCH glob (POST /api/cache/clear), so
// glob characters are not allowed.
Status CheckPrefix(const std::string& prefix) {
  if (prefix.empty() || prefix.size() > 64) {
    return Status::InvalidArgument("--cache-key-prefix must be 1 to 64 characters");
  }
  for (char c : prefix) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == ':' || c == '_' || c == '-' || c == '.';
    if (!ok) {
      return Status::InvalidArgument(
          "--cache-key-prefix may hold only letters, digits and : _ - . (got '" + prefix + "')");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<cache::CacheOptions> MakeCacheOptions(const CacheSettings& s) {
  QUARRY_RETURN_IF_ERROR(CheckRange("--cache-l2-ttl", s.l2_ttl_s, 1, kMaxTtlSeconds));
  QUARRY_RETURN_IF_ERROR(CheckRange("--cache-l2-timeout-ms", s.l2_timeout_ms, 10, 60000));
  QUARRY_RETURN_IF_ERROR(CheckRange("--cache-result-entries", s.result_entries, 0, kMaxEntries));
  QUARRY_RETURN_IF_ERROR(CheckRange("--cache-result-ttl", s.result_ttl_s, 1, kMaxTtlSeconds));
  QUARRY_RETURN_IF_ERROR(
      CheckRange("--cache-embedding-entries", s.embedding_entries, 0, kMaxEntries));
  QUARRY_RETURN_IF_ERROR(CheckRange("--cache-embedding-ttl", s.embedding_ttl_s, 1, kMaxTtlSeconds));
  QUARRY_RETURN_IF_ERROR(CheckRange("--cache-warm-interval", s.warm_interval_s, 0, 86400));
  QUARRY_RETURN_IF_ERROR(CheckRange("--cache-warm-top", s.warm_top, 0, 10000));
  QUARRY_RETURN_IF_ERROR(CheckPrefix(s.key_prefix));

  cache::CacheOptions o;
  o.enabled = s.enabled;
  o.result_entries = static_cast<size_t>(s.result_entries);
  o.result_ttl = std::chrono::seconds(s.result_ttl_s);
  o.embedding_entries = static_cast<size_t>(s.embedding_entries);
  o.embedding_ttl = std::chrono::seconds(s.embedding_ttl_s);
  o.l2_ttl_seconds = static_cast<uint32_t>(s.l2_ttl_s);
  o.warm_interval = std::chrono::seconds(s.warm_interval_s);
  o.warm_top = static_cast<size_t>(s.warm_top);
  o.key_prefix = s.key_prefix;
  if (!s.l2_url.empty()) {
    Result<cache::RedisOptions> redis = cache::ParseRedisUrl(s.l2_url);
    if (!redis.ok()) return redis.status().WithContext("--cache-l2");
    redis->connect_timeout = std::chrono::milliseconds(s.l2_timeout_ms);
    redis->socket_timeout = std::chrono::milliseconds(s.l2_timeout_ms);
    if (!s.l2_password_env.empty()) {
      if (const char* password = std::getenv(s.l2_password_env.c_str())) {
        redis->password = password;
      }
    }
    o.l2 = std::move(redis).value();
  }
  return o;
}

}  // namespace quarry::cli
