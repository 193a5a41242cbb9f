#include "cache/testing/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "cache/redis_client.h"

namespace quarry::cache::testing {
namespace {

constexpr const char* kRedisServer = "/usr/bin/redis-server";

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

Result<std::unique_ptr<RedisServer>> RedisServer::Start(const std::string& dir,
                                                        std::vector<std::string> extra_args) {
  if (access(kRedisServer, X_OK) != 0) {
    return Status::NotFound(std::string(kRedisServer) +
                            " is not installed (scripts/install-deps.sh installs it)");
  }
  std::unique_ptr<RedisServer> server(new RedisServer(dir, std::move(extra_args), FreePort()));
  QUARRY_RETURN_IF_ERROR(server->Launch());
  return server;
}

Status RedisServer::Launch() {
  std::vector<std::string> args = {kRedisServer, "--port", std::to_string(port_), "--bind",
                                   "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                                   dir_, "--loglevel", "warning"};
  args.insert(args.end(), args_.begin(), args_.end());
  pid_ = fork();
  if (pid_ < 0) return Status::Internal("fork failed");
  if (pid_ == 0) {
    // Its log (warnings about overcommit and the like) goes to a file, not the test's output.
    const std::string log = dir_ + "/redis.log";
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(kRedisServer, argv.data());
    _exit(127);
  }
  // Ready once it answers (AUTH-protected servers answer NOAUTH, which is an answer too).
  RedisOptions probe;
  probe.port = port_;
  probe.connect_timeout = std::chrono::milliseconds(200);
  for (int i = 0; i < 200; ++i) {
    RedisClient client(probe);
    Status s = client.Ping();
    if (s.ok() || s.message().find("NOAUTH") != std::string::npos) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  Kill();
  return Status::Unavailable("redis-server did not start on port " + std::to_string(port_));
}

RedisServer::~RedisServer() { Kill(); }

void RedisServer::Pause() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void RedisServer::Resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

void RedisServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

Status RedisServer::Restart() {
  Kill();
  return Launch();
}

}  // namespace quarry::cache::testing
