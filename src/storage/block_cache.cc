#include "storage/block_cache.h"

#include <iterator>

namespace quarry::storage {

BlockCache::BlockCache(size_t capacity_bytes)
    : capacity_(capacity_bytes), shard_capacity_(capacity_bytes / kShards) {}

std::shared_ptr<const DecodedBlock> BlockCache::Lookup(uint64_t owner, uint32_t block) {
  const Key key{owner, block};
  Shard& s = ShardOf(key);
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.index.find(key);
  if (it == s.index.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  s.lru.splice(s.lru.begin(), s.lru, it->second);
  return it->second->block;
}

void BlockCache::EraseLocked(Shard& s, std::list<Entry>::iterator it) {
  s.bytes -= it->bytes;
  s.index.erase(it->key);
  s.lru.erase(it);
}

void BlockCache::Insert(uint64_t owner, uint32_t block,
                        std::shared_ptr<const DecodedBlock> decoded) {
  const size_t bytes = decoded->Bytes();
  if (bytes > shard_capacity_) return;
  const Key key{owner, block};
  Shard& s = ShardOf(key);
  std::lock_guard<std::mutex> lock(s.mu);
  if (auto it = s.index.find(key); it != s.index.end()) EraseLocked(s, it->second);
  s.lru.push_front({key, std::move(decoded), bytes});
  s.index.emplace(key, s.lru.begin());
  s.bytes += bytes;
  while (s.bytes > shard_capacity_) EraseLocked(s, std::prev(s.lru.end()));
}

void BlockCache::EraseOwner(uint64_t owner) {
  for (Shard& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    for (auto it = s.lru.begin(); it != s.lru.end();) {
      auto next = std::next(it);
      if (it->key.owner == owner) EraseLocked(s, it);
      it = next;
    }
  }
}

size_t BlockCache::bytes() const {
  size_t total = 0;
  for (const Shard& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    total += s.bytes;
  }
  return total;
}

}  // namespace quarry::storage
