#include "server/session_registry.h"

namespace quarry::server {

uint64_t SessionRegistry::Add(std::weak_ptr<HttpSession> session) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t key = next_key_++;
  sessions_.emplace(key, std::move(session));
  return key;
}

void SessionRegistry::Remove(uint64_t key) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(key);
}

std::vector<std::shared_ptr<HttpSession>> SessionRegistry::Snapshot() const {
  std::vector<std::shared_ptr<HttpSession>> alive;
  std::lock_guard<std::mutex> lock(mu_);
  alive.reserve(sessions_.size());
  for (const auto& [key, weak] : sessions_) {
    if (auto session = weak.lock()) alive.push_back(std::move(session));
  }
  return alive;
}

size_t SessionRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

}  // namespace quarry::server
