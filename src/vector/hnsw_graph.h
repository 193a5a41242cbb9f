// HnswGraph: the link structure of an HNSW index and nothing else (no vectors,
// no codes, no distances; faiss's split of HNSW from storage).
//
// Per node: one metadata byte (level in the low 6 bits, tombstone in bit 7)
// and one neighbour list per level it lives on. A list is a count word
// followed by a fixed number of u32 node ids: 2*m on level 0, m above.
// Level-0 lists of all nodes sit in one segmented array (fixed stride, so the
// list of node i is found by arithmetic, and it never moves); the few upper
// lists (a node reaches level l with probability m^-l) are allocated per node.
//
// Thread-safety: lists are read without locks while the writer's workers
// update them. Counts and ids are atomic words (std::atomic_ref; plain moves
// on x86), stored with release and loaded with acquire, so a reader that sees
// an id also sees the codes and lists written before it was linked. A reader
// may see a list half rewritten; every id in it is still a valid, fully
// initialized node, which is all a traversal needs. Writers of one list hold
// that node's LinkLocks stripe. Reserve(), InitNode() and the restore
// functions belong to the single writer thread.
#ifndef QUARRY_VECTOR_HNSW_GRAPH_H_
#define QUARRY_VECTOR_HNSW_GRAPH_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "quarry/status.h"
#include "vector/segmented_rows.h"

namespace quarry::vector {

inline constexpr uint32_t kNoNode = 0xFFFFFFFFu;
// Levels are stored in 6 bits; the level draw is capped well below that.
inline constexpr int kMaxGraphLevel = 30;

// Atomic access to the words of a link list (see the thread-safety note).
inline uint32_t LoadLinkWord(const uint32_t* word) {
  return std::atomic_ref<uint32_t>(*const_cast<uint32_t*>(word)).load(std::memory_order_acquire);
}
inline void StoreLinkWord(uint32_t* word, uint32_t value) {
  std::atomic_ref<uint32_t>(*word).store(value, std::memory_order_release);
}

class HnswGraph {
 public:
  struct Entry {
    uint32_t node = kNoNode;
    int level = -1;
  };

  // REQUIRES: m >= 2 (ValidateHnswConfig).
  explicit HnswGraph(uint32_t m);
  HnswGraph(const HnswGraph&) = delete;
  HnswGraph& operator=(const HnswGraph&) = delete;

  uint32_t m() const { return m_; }
  uint32_t m0() const { return 2 * m_; }
  uint32_t Capacity(int level) const { return level == 0 ? m0() : m_; }

  // The list of `node` at `level`: word 0 is the count, words 1.. the ids.
  // REQUIRES: node is initialized and level <= Level(node).
  const uint32_t* Links(uint32_t node, int level) const {
    if (level == 0) return reinterpret_cast<const uint32_t*>(level0_.Row(node));
    const uint32_t* upper;
    std::memcpy(&upper, upper_.Row(node), sizeof upper);
    return upper + static_cast<size_t>(level - 1) * (1 + m_);
  }
  uint32_t* MutableLinks(uint32_t node, int level) {
    return const_cast<uint32_t*>(Links(node, level));
  }
  // Copies the ids of a list into `out` (resized), clamped to the capacity so
  // a torn read can never overrun. Returns the count.
  uint32_t ReadLinks(uint32_t node, int level, std::vector<uint32_t>& out) const;
  // Replaces a list. REQUIRES: the caller holds the node's link lock;
  // ids.size() <= Capacity(level).
  void WriteLinks(uint32_t node, int level, std::span<const uint32_t> ids);

  int Level(uint32_t node) const { return LoadMeta(node) & kLevelMask; }
  bool IsDeleted(uint32_t node) const { return (LoadMeta(node) & kDeletedBit) != 0; }
  // Sets the tombstone. Returns false if it was already set.
  bool MarkDeleted(uint32_t node);

  Entry entry() const {
    const uint64_t e = entry_.load(std::memory_order_acquire);
    const auto node = static_cast<uint32_t>(e);
    return {node, node == kNoNode ? -1 : static_cast<int>(e >> 32)};
  }
  void SetEntry(Entry e) {
    entry_.store((static_cast<uint64_t>(static_cast<uint32_t>(e.level)) << 32) | e.node,
                 std::memory_order_release);
  }

  // Makes room for nodes [0, nodes). Turns mapped views into owned memory.
  Status Reserve(size_t nodes);
  // Number of node slots that may be referenced (visited-set size).
  size_t capacity() const { return level0_.capacity(); }
  // Sets the level of a fresh node and allocates its upper lists (empty).
  // REQUIRES: node < capacity(), node not initialized before.
  void InitNode(uint32_t node, int level);

  // Restoring from a file (hnsw_file.cc). REQUIRES: a fresh graph.
  // `level0` holds nodes * (1 + m0) words and stays mapped while the graph lives.
  void RestoreLevel0View(const uint8_t* level0, size_t nodes);
  // Copies the level-0 lists out of the view into the graph's own memory, so
  // that the mapping can go (on_disk_graph = false).
  Status MakeLevel0Owned() { return level0_.MakeOwned(); }
  // Node metadata bytes (level | tombstone) are copied.
  Status RestoreMeta(std::span<const uint8_t> meta);
  // Upper lists of every node with level > 0, in node order, each
  // Level(node) * (1 + m) words; copied. REQUIRES: RestoreMeta done.
  Status RestoreUpper(std::span<const uint32_t> words, size_t nodes);

  // The raw stores, for Save(): metadata bytes and level-0 lists.
  const SegmentedRows& meta_rows() const { return meta_; }
  const SegmentedRows& level0_rows() const { return level0_; }

  // Bytes used by `nodes` nodes: level-0 lists, metadata, upper-list
  // pointers and upper lists.
  size_t MemoryBytes(size_t nodes) const;

 private:
  static constexpr uint8_t kLevelMask = 0x3F;
  static constexpr uint8_t kDeletedBit = 0x80;

  uint8_t LoadMeta(uint32_t node) const {
    return std::atomic_ref<uint8_t>(*const_cast<uint8_t*>(meta_.Row(node)))
        .load(std::memory_order_relaxed);
  }

  uint32_t m_;
  SegmentedRows level0_;  // (1 + 2m) u32 per node
  SegmentedRows meta_;    // 1 byte per node
  SegmentedRows upper_;   // one uint32_t* per node (nullptr on level 0 only)
  std::vector<std::unique_ptr<uint32_t[]>> upper_owned_;
  size_t upper_words_ = 0;
  std::atomic<uint64_t> entry_{kNoNode};
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_GRAPH_H_
