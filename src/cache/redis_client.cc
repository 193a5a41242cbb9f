#include "cache/redis_client.h"

#include <hiredis/hiredis.h>

#include <charconv>

namespace quarry::cache {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(ms.count() % 1000 * 1000);
  return tv;
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

bool ParseUint(std::string_view s, uint64_t max, uint64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && *out <= max;
}

}  // namespace

Result<RedisOptions> ParseRedisUrl(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("L2 cache URL: " + why + " (expected redis://[user@]host[:port][/db])");
  };
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return bad(url.substr(0, 9) == "rediss://" ? "TLS (rediss://) is not supported by this build"
                                               : "the scheme must be redis://");
  }
  std::string_view rest = url.substr(kScheme.size());
  RedisOptions o;
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view user = rest.substr(0, at);
    if (user.find(':') != std::string_view::npos) {
      return bad("put the password in the environment variable, not in the URL");
    }
    o.user = std::string(user);
    rest = rest.substr(at + 1);
  }
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    uint64_t db = 0;
    if (!ParseUint(rest.substr(slash + 1), 15, &db)) return bad("the database must be 0..15");
    o.db = static_cast<uint32_t>(db);
    rest = rest.substr(0, slash);
  }
  if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    uint64_t port = 0;
    if (!ParseUint(rest.substr(colon + 1), 65535, &port) || port == 0) return bad("bad port");
    o.port = static_cast<uint16_t>(port);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return bad("no host");
  o.host = std::string(rest);
  return o;
}

std::string RedisAddress(const RedisOptions& o) {
  return "redis://" + (o.user.empty() ? "" : o.user + "@") + o.host + ":" +
         std::to_string(o.port) + "/" + std::to_string(o.db);
}

void RedisClient::ContextDeleter::operator()(redisContext* c) const { redisFree(c); }

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {}
RedisClient::~RedisClient() = default;

Status RedisClient::Error(std::string_view what) const {
  return Status::Unavailable("L2 cache " + RedisAddress(options_) + ": " + std::string(what));
}

Result<RedisClient::Connection> RedisClient::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      Connection c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  Connection c(redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                       ToTimeval(options_.connect_timeout)));
  if (c == nullptr) return Error("cannot allocate a connection");
  if (c->err != 0) return Error(std::string("connect: ") + c->errstr);
  if (redisSetTimeout(c.get(), ToTimeval(options_.socket_timeout)) != REDIS_OK) {
    return Error("cannot set the socket timeout");
  }
  auto check = [&](Reply r, std::string_view step) -> Status {
    if (r == nullptr) return Error(std::string(step) + ": " + c->errstr);
    if (r->type == REDIS_REPLY_ERROR) {
      // The server's words, which never contain the password we sent.
      return Error(std::string(step) + " refused: " + std::string(r->str, r->len));
    }
    return Status::Ok();
  };
  if (!options_.password.empty()) {
    std::vector<const char*> argv{"AUTH"};
    std::vector<size_t> len{4};
    if (!options_.user.empty()) {
      argv.push_back(options_.user.c_str());
      len.push_back(options_.user.size());
    }
    argv.push_back(options_.password.c_str());
    len.push_back(options_.password.size());
    Reply r(static_cast<redisReply*>(
        redisCommandArgv(c.get(), static_cast<int>(argv.size()), argv.data(), len.data())));
    QUARRY_RETURN_IF_ERROR(check(std::move(r), "AUTH"));
  }
  if (options_.db != 0) {
    const std::string db = std::to_string(options_.db);
    const char* argv[] = {"SELECT", db.c_str()};
    const size_t len[] = {6, db.size()};
    Reply r(static_cast<redisReply*>(redisCommandArgv(c.get(), 2, argv, len)));
    QUARRY_RETURN_IF_ERROR(check(std::move(r), "SELECT"));
  }
  return c;
}

void RedisClient::Release(Connection connection) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < options_.pool_size) idle_.push_back(std::move(connection));
}

template <typename Use>
Status RedisClient::Run(const std::vector<std::string_view>& args, Use&& use) {
  QUARRY_ASSIGN_OR_RETURN(Connection c, Acquire());
  std::vector<const char*> argv;
  std::vector<size_t> len;
  for (std::string_view a : args) {
    argv.push_back(a.data());
    len.push_back(a.size());
  }
  Reply r(static_cast<redisReply*>(
      redisCommandArgv(c.get(), static_cast<int>(argv.size()), argv.data(), len.data())));
  if (r == nullptr) return Error(std::string(args[0]) + ": " + c->errstr);  // c is dropped
  if (r->type == REDIS_REPLY_ERROR) {
    Status s = Error(std::string(args[0]) + " refused: " + std::string(r->str, r->len));
    Release(std::move(c));  // the connection itself is fine
    return s;
  }
  Status s = use(*r);
  if (s.ok()) Release(std::move(c));
  return s;
}

Result<std::optional<std::string>> RedisClient::Get(std::string_view key) {
  std::optional<std::string> value;
  QUARRY_RETURN_IF_ERROR(Run({"GET", key}, [&](const redisReply& r) -> Status {
    if (r.type == REDIS_REPLY_NIL) return Status::Ok();
    if (r.type != REDIS_REPLY_STRING) return Error("GET: unexpected reply type");
    value.emplace(r.str, r.len);
    return Status::Ok();
  }));
  return value;
}

Result<std::vector<std::optional<std::string>>> RedisClient::MGet(
    const std::vector<std::string>& keys) {
  std::vector<std::string_view> argv{"MGET"};
  for (const std::string& k : keys) argv.push_back(k);
  std::vector<std::optional<std::string>> values;
  QUARRY_RETURN_IF_ERROR(Run(argv, [&](const redisReply& r) -> Status {
    if (r.type != REDIS_REPLY_ARRAY || r.elements != keys.size()) {
      return Error("MGET: unexpected reply");
    }
    for (size_t i = 0; i < r.elements; ++i) {
      const redisReply& e = *r.element[i];
      if (e.type == REDIS_REPLY_NIL) {
        values.emplace_back();
      } else if (e.type == REDIS_REPLY_STRING) {
        values.emplace_back(std::string(e.str, e.len));
      } else {
        return Error("MGET: unexpected element type");
      }
    }
    return Status::Ok();
  }));
  return values;
}

Status RedisClient::Set(std::string_view key, std::string_view value, uint32_t ttl_seconds) {
  const std::string ttl = std::to_string(ttl_seconds);
  return Run({"SET", key, value, "EX", ttl}, [&](const redisReply& r) -> Status {
    if (r.type != REDIS_REPLY_STATUS) return Error("SET: unexpected reply type");
    return Status::Ok();
  });
}

Result<uint64_t> RedisClient::DeleteMatching(std::string_view pattern) {
  uint64_t removed = 0;
  std::string cursor = "0";
  do {
    std::vector<std::string> keys;
    QUARRY_RETURN_IF_ERROR(Run({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"},
                               [&](const redisReply& r) -> Status {
                                 if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 ||
                                     r.element[0]->type != REDIS_REPLY_STRING ||
                                     r.element[1]->type != REDIS_REPLY_ARRAY) {
                                   return Error("SCAN: unexpected reply");
                                 }
                                 cursor.assign(r.element[0]->str, r.element[0]->len);
                                 const redisReply& list = *r.element[1];
                                 for (size_t i = 0; i < list.elements; ++i) {
                                   if (list.element[i]->type != REDIS_REPLY_STRING) continue;
                                   keys.emplace_back(list.element[i]->str, list.element[i]->len);
                                 }
                                 return Status::Ok();
                               }));
    if (!keys.empty()) {
      std::vector<std::string_view> argv{"UNLINK"};
      for (const std::string& k : keys) argv.push_back(k);
      QUARRY_RETURN_IF_ERROR(Run(argv, [&](const redisReply& r) -> Status {
        if (r.type == REDIS_REPLY_INTEGER && r.integer > 0) removed += static_cast<uint64_t>(r.integer);
        return Status::Ok();
      }));
    }
  } while (cursor != "0");
  return removed;
}

Status RedisClient::Ping() {
  return Run({"PING"}, [&](const redisReply& r) -> Status {
    if (r.type != REDIS_REPLY_STATUS) return Error("PING: unexpected reply");
    return Status::Ok();
  });
}

}  // namespace quarry::cache
