// RedisServer: a real redis-server for tests, started on a free loopback port
// in a temporary directory and stopped (SIGKILL) when destroyed. Tests that
// need it skip with a clear message when redis-server is not installed
// (scripts/install-deps.sh installs it).
//
// Thread-safety: one owner.
#ifndef QUARRY_CACHE_TESTING_REDIS_SERVER_H_
#define QUARRY_CACHE_TESTING_REDIS_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quarry/status.h"

namespace quarry::cache::testing {

class RedisServer {
 public:
  // Starts redis-server with `extra_args` (e.g. {"--requirepass", "x"}) and
  // waits until it answers PING. kNotFound when redis-server is missing.
  static Result<std::unique_ptr<RedisServer>> Start(const std::string& dir,
                                                    std::vector<std::string> extra_args = {});
  ~RedisServer();

  uint16_t port() const { return port_; }
  // SIGSTOP / SIGCONT: the server holds connections but answers nothing.
  void Pause();
  void Resume();
  // SIGKILL, then start again on the same port (same arguments).
  Status Restart();
  void Kill();

 private:
  RedisServer(std::string dir, std::vector<std::string> args, uint16_t port)
      : dir_(std::move(dir)), args_(std::move(args)), port_(port) {}
  Status Launch();

  std::string dir_;
  std::vector<std::string> args_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace quarry::cache::testing

#endif  // QUARRY_CACHE_TESTING_REDIS_SERVER_H_
