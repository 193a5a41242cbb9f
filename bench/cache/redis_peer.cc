#include "redis_peer.h"

#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace quarry::bench {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

Result<Reply> Run(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  Reply reply(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  if (reply == nullptr) {
    return Status::Unavailable("redis " + args.front() + ": " +
                               (c->errstr[0] != '\0' ? c->errstr : "connection lost"));
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    return Status::Internal("redis " + args.front() + ": " + std::string(reply->str, reply->len));
  }
  return reply;
}

}  // namespace

Result<std::unique_ptr<RedisConnection>> RedisConnection::Connect(uint16_t port,
                                                                  std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::string last_error;
  for (;;) {
    redisContext* c = redisConnectWithTimeout("127.0.0.1", port, timeval{2, 0});
    if (c != nullptr && c->err == 0) {
      std::unique_ptr<RedisConnection> conn(new RedisConnection(c));
      Result<std::string> pong = conn->Command({"PING"});
      if (pong.ok()) return conn;
      last_error = pong.status().message();
    } else {
      last_error = c != nullptr ? c->errstr : "out of memory";
      if (c != nullptr) redisFree(c);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("redis on 127.0.0.1:" + std::to_string(port) +
                                 " did not answer within " + std::to_string(wait.count()) +
                                 " ms: " + last_error);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

RedisConnection::~RedisConnection() { redisFree(context_); }

Result<std::string> RedisConnection::Command(const std::vector<std::string>& args) {
  QUARRY_ASSIGN_OR_RETURN(Reply reply, Run(context_, args));
  switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      return std::string(reply->str, reply->len);
    case REDIS_REPLY_INTEGER:
      return std::to_string(reply->integer);
    case REDIS_REPLY_NIL:
      return std::string();
    default:
      return Status::Internal("redis " + args.front() + ": unexpected reply type " +
                              std::to_string(reply->type));
  }
}

Result<std::map<std::string, std::vector<double>>> RedisConnection::StringValueSizes() {
  std::map<std::string, std::vector<double>> sizes;
  std::string cursor = "0";
  do {
    QUARRY_ASSIGN_OR_RETURN(Reply page, Run(context_, {"SCAN", cursor, "COUNT", "1000"}));
    if (page->type != REDIS_REPLY_ARRAY || page->elements != 2 ||
        page->element[1]->type != REDIS_REPLY_ARRAY) {
      return Status::Internal("redis SCAN: unexpected reply");
    }
    cursor.assign(page->element[0]->str, page->element[0]->len);
    const redisReply* keys = page->element[1];
    for (size_t i = 0; i < keys->elements; ++i) {
      const std::string key(keys->element[i]->str, keys->element[i]->len);
      QUARRY_ASSIGN_OR_RETURN(std::string type, Command({"TYPE", key}));
      if (type != "string") continue;
      QUARRY_ASSIGN_OR_RETURN(std::string length, Command({"STRLEN", key}));
      const size_t colon = key.rfind(':');
      sizes[colon == std::string::npos ? std::string() : key.substr(0, colon)].push_back(
          std::stod(length));
    }
  } while (cursor != "0");
  return sizes;
}

Result<LatencySummary> RedisConnection::MeasureGet(size_t value_bytes, size_t iterations) {
  const std::string key = "quarry-bench:peer-floor";
  std::string value(value_bytes, 'x');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i % 26);
  QUARRY_RETURN_IF_ERROR(Command({"SET", key, value}).status());
  std::vector<double> millis;
  millis.reserve(iterations);
  for (size_t i = 0; i < iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    QUARRY_ASSIGN_OR_RETURN(Reply reply, Run(context_, {"GET", key}));
    const auto end = std::chrono::steady_clock::now();
    if (reply->type != REDIS_REPLY_STRING || reply->len != value_bytes) {
      return Status::Internal("redis GET returned something else than the value set");
    }
    millis.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  QUARRY_RETURN_IF_ERROR(Command({"DEL", key}).status());
  return Summarize(std::move(millis));
}

Result<uint16_t> PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(std::string("socket: ") + strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = strerror(errno);
    close(fd);
    return Status::IOError("cannot bind a loopback port: " + why);
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace quarry::bench
