// The set of open connections, so that shutdown can ask each to finish.
//
// Thread-safety: every method may be called from any thread (one mutex).
#ifndef QUARRY_SERVER_SESSION_REGISTRY_H_
#define QUARRY_SERVER_SESSION_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace quarry::server {

class HttpSession;

class SessionRegistry {
 public:
  // Returns the key to pass to Remove.
  uint64_t Add(std::weak_ptr<HttpSession> session);
  void Remove(uint64_t key);
  // The sessions still alive.
  std::vector<std::shared_ptr<HttpSession>> Snapshot() const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  uint64_t next_key_ = 0;                                              // guarded by mu_
  std::unordered_map<uint64_t, std::weak_ptr<HttpSession>> sessions_;  // guarded by mu_
};

}  // namespace quarry::server

#endif  // QUARRY_SERVER_SESSION_REGISTRY_H_
