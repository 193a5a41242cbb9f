// ShardedLruCache: an in-process cache of immutable values with a size bound
// (least recently used goes first) and a time to live.
//
// Keys are spread over shards by hash, each shard with its own mutex, so that
// concurrent lookups of different keys rarely wait for each other (the HTTP
// benchmark on both cores must not show lock contention). Values are held as
// shared_ptr<const V>: a hit hands out a reference, never a copy, and an
// entry evicted while a caller still reads it stays alive until released.
//
// Thread-safety: every method may be called from any thread.
#ifndef QUARRY_CACHE_LRU_CACHE_H_
#define QUARRY_CACHE_LRU_CACHE_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/hash.h"

namespace quarry::cache {

using CacheClock = std::chrono::steady_clock;
// Where a cache reads the time; tests pass a clock they move by hand.
using NowFunction = std::function<CacheClock::time_point()>;

struct LruCounters {
  uint64_t hits = 0;
  uint64_t misses = 0;         // absent or expired
  uint64_t inserts = 0;
  uint64_t evictions = 0;      // pushed out by the size bound
  uint64_t expirations = 0;    // found past their time to live
  uint64_t entries = 0;        // held now
  uint64_t capacity = 0;
};

template <typename V>
class ShardedLruCache {
 public:
  // REQUIRES: shards >= 1. capacity 0 makes a cache that holds nothing.
  ShardedLruCache(size_t capacity, std::chrono::milliseconds ttl, size_t shards = 16,
                  NowFunction now = nullptr)
      : capacity_(capacity),
        ttl_(ttl),
        now_(now ? std::move(now) : NowFunction([] { return CacheClock::now(); })),
        shards_(std::max<size_t>(1, std::min(shards, std::max<size_t>(1, capacity)))) {
    // Each shard holds its share, rounded up, so the total is never below capacity.
    per_shard_ = capacity == 0 ? 0 : (capacity + shards_.size() - 1) / shards_.size();
  }

  ShardedLruCache(const ShardedLruCache&) = delete;
  ShardedLruCache& operator=(const ShardedLruCache&) = delete;

  std::shared_ptr<const V> Get(std::string_view key) {
    Shard& shard = ShardFor(key);
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.index.find(key);
    if (it == shard.index.end()) {
      misses_.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    if (it->second->expires <= now_()) {
      shard.order.erase(it->second);
      shard.index.erase(it);
      expirations_.fetch_add(1, std::memory_order_relaxed);
      misses_.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    shard.order.splice(shard.order.begin(), shard.order, it->second);
    hits_.fetch_add(1, std::memory_order_relaxed);
    return it->second->value;
  }

  // Inserts or replaces; the entry lives for the cache's ttl from now.
  void Put(std::string_view key, std::shared_ptr<const V> value) {
    if (per_shard_ == 0 || value == nullptr) return;
    Shard& shard = ShardFor(key);
    const CacheClock::time_point expires = now_() + ttl_;
    std::lock_guard<std::mutex> lock(shard.mu);
    inserts_.fetch_add(1, std::memory_order_relaxed);
    auto it = shard.index.find(key);
    if (it != shard.index.end()) {
      it->second->value = std::move(value);
      it->second->expires = expires;
      shard.order.splice(shard.order.begin(), shard.order, it->second);
      return;
    }
    shard.order.push_front(Entry{std::string(key), std::move(value), expires});
    shard.index.emplace(shard.order.front().key, shard.order.begin());
    while (shard.order.size() > per_shard_) {
      shard.index.erase(shard.order.back().key);
      shard.order.pop_back();
      evictions_.fetch_add(1, std::memory_order_relaxed);
    }
  }

  void Clear() {
    for (Shard& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard.mu);
      shard.index.clear();
      shard.order.clear();
    }
  }

  void ResetCounters() {
    for (auto* c : {&hits_, &misses_, &inserts_, &evictions_, &expirations_}) c->store(0);
  }

  LruCounters Counters() const {
    LruCounters c;
    c.hits = hits_.load(std::memory_order_relaxed);
    c.misses = misses_.load(std::memory_order_relaxed);
    c.inserts = inserts_.load(std::memory_order_relaxed);
    c.evictions = evictions_.load(std::memory_order_relaxed);
    c.expirations = expirations_.load(std::memory_order_relaxed);
    c.capacity = capacity_;
    for (const Shard& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard.mu);
      c.entries += shard.order.size();
    }
    return c;
  }

  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const V> value;
    CacheClock::time_point expires;
  };
  // Lets the index be searched with a string_view, without building a string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> order;  // most recently used first
    std::unordered_map<std::string, typename std::list<Entry>::iterator, KeyHash, std::equal_to<>>
        index;
  };

  Shard& ShardFor(std::string_view key) { return shards_[Hash64(key) % shards_.size()]; }

  const size_t capacity_;
  const std::chrono::milliseconds ttl_;
  const NowFunction now_;
  std::vector<Shard> shards_;
  size_t per_shard_ = 0;
  std::atomic<uint64_t> hits_{0}, misses_{0}, inserts_{0}, evictions_{0}, expirations_{0};
};

}  // namespace quarry::cache

#endif  // QUARRY_CACHE_LRU_CACHE_H_
