// LinkLocks: striped spin locks guarding HNSW neighbour-list writes.
//
// hnswlib keeps one std::mutex per node (40 bytes each: 40 MB per million
// nodes). A fixed table of 64K one-byte spin locks,
// indexed by node id, costs 64 KiB whatever the size, and two writers collide
// only when they touch lists of different nodes in the same stripe, which is
// rare and brief. Holders never take a second stripe (HNSW inserts lock one
// neighbour list at a time), so stripes cannot deadlock.
//
// Thread-safety: all members may be called from any thread.
#ifndef QUARRY_VECTOR_LINK_LOCKS_H_
#define QUARRY_VECTOR_LINK_LOCKS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

namespace quarry::vector {

class LinkLocks {
 public:
  LinkLocks() : flags_(std::make_unique<std::atomic<uint8_t>[]>(kStripes)) {}

  void Lock(uint32_t node) {
    std::atomic<uint8_t>& f = flags_[node & (kStripes - 1)];
    while (f.exchange(1, std::memory_order_acquire) != 0) {
      while (f.load(std::memory_order_relaxed) != 0) std::this_thread::yield();
    }
  }
  void Unlock(uint32_t node) { flags_[node & (kStripes - 1)].store(0, std::memory_order_release); }

  // Holds the lock of one node for a scope.
  class Guard {
   public:
    Guard(LinkLocks& locks, uint32_t node) : locks_(locks), node_(node) { locks_.Lock(node_); }
    ~Guard() { locks_.Unlock(node_); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    LinkLocks& locks_;
    uint32_t node_;
  };

 private:
  static constexpr uint32_t kStripes = 1u << 16;
  std::unique_ptr<std::atomic<uint8_t>[]> flags_;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_LINK_LOCKS_H_
