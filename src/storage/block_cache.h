// BlockCache: decoded chunk-store blocks (chunk_store.h), shared by the
// sealed segments of a collection and bounded in bytes.
//
// With on_disk_payload, reading a hit means checking the CRC of a block of
// documents.dat, decompressing it and decoding its documents: tens of
// microseconds per hit for a 64 KiB block, most of it wasted on the other
// documents of the block. The cache keeps a verified block's decompressed
// bytes and the offset of each document in them, so a later hit in the same
// block decodes just its own document. Blocks are evicted least recently used
// first (per shard) once the shard is over its share of the capacity.
//
// Entries are keyed by an owner id that the cache hands out (NewOwner), one
// per opened ChunkStore, so a store opened later can never see the blocks of
// one that died (an address could be reused; an id is not). A dying store
// erases its entries (EraseOwner).
//
// Thread-safety: every method may be called from any thread. 16 shards, each
// with its own mutex held only to look up, insert or evict (never while
// decoding); entries are immutable and shared (shared_ptr), so a reader keeps
// its block alive even if it is evicted meanwhile.
#ifndef QUARRY_STORAGE_BLOCK_CACHE_H_
#define QUARRY_STORAGE_BLOCK_CACHE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace quarry::storage {

// A verified, decompressed block: documents [first_doc, first_doc + count)
// encoded back to back in `raw`, document i starting at offsets[i].
struct DecodedBlock {
  std::string raw;
  std::vector<uint32_t> offsets;
  size_t Bytes() const { return raw.capacity() + offsets.capacity() * sizeof(uint32_t) + 64; }
};

class BlockCache {
 public:
  // Default capacity of a collection's cache: about 500 blocks of 64 KiB.
  static constexpr size_t kDefaultCapacityBytes = size_t{32} << 20;

  explicit BlockCache(size_t capacity_bytes = kDefaultCapacityBytes);
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // A fresh id for the blocks of one store.
  uint64_t NewOwner() { return next_owner_.fetch_add(1, std::memory_order_relaxed); }

  // The block, or null. Marks it most recently used.
  std::shared_ptr<const DecodedBlock> Lookup(uint64_t owner, uint32_t block);
  // Adds (or replaces) a block, then evicts the least recently used blocks
  // of its shard while the shard is over its share. A block larger than a
  // shard's share is not kept.
  void Insert(uint64_t owner, uint32_t block, std::shared_ptr<const DecodedBlock> decoded);
  // Removes every block of `owner`.
  void EraseOwner(uint64_t owner);

  size_t capacity_bytes() const { return capacity_; }
  // Bytes held now (sum over shards; approximate while others insert).
  size_t bytes() const;
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kShards = 16;
  struct Key {
    uint64_t owner;
    uint32_t block;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<uint64_t>()(k.owner * 0x9E3779B97F4A7C15ull ^ k.block);
    }
  };
  struct Entry {
    Key key;
    std::shared_ptr<const DecodedBlock> block;
    size_t bytes;
  };
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> lru;  // most recently used first
    std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> index;
    size_t bytes = 0;
  };
  Shard& ShardOf(const Key& k) { return shards_[KeyHash()(k) % kShards]; }
  static void EraseLocked(Shard& s, std::list<Entry>::iterator it);

  const size_t capacity_;
  const size_t shard_capacity_;
  std::atomic<uint64_t> next_owner_{1};
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::array<Shard, kShards> shards_;
};

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_BLOCK_CACHE_H_
