// Per-search scratch memory, reused across searches so that a search in
// steady state allocates nothing but its result vector.
//
// VisitedSet marks nodes with a generation stamp: starting a search bumps the
// generation instead of clearing the array (hnswlib's VisitedList), and the
// array is wiped only when the 16-bit stamp wraps, once per 65535 searches.
// ScratchPool hands out one SearchScratch per concurrent search; it is owned
// by the index (no thread_local, no global pool).
//
// Thread-safety: a SearchScratch belongs to one search at a time.
// ScratchPool::Acquire may be called from any thread.
#ifndef QUARRY_VECTOR_SEARCH_SCRATCH_H_
#define QUARRY_VECTOR_SEARCH_SCRATCH_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace quarry::vector {

// A node id with its similarity to the query (higher is closer).
struct Candidate {
  float score;
  uint32_t node;
};

class VisitedSet {
 public:
  // Starts a new search over node ids < `nodes`.
  void Reset(size_t nodes) {
    if (marks_.size() < nodes) marks_.resize(nodes, 0);
    if (++stamp_ == 0) {
      std::fill(marks_.begin(), marks_.end(), 0);
      stamp_ = 1;
    }
  }
  // Marks `node`; returns true if it was not marked yet in this search.
  // Nodes beyond the size given to Reset() (linked by a concurrent insert
  // after this search started) count as visited: they are skipped.
  bool Insert(uint32_t node) {
    if (node >= marks_.size() || marks_[node] == stamp_) return false;
    marks_[node] = stamp_;
    return true;
  }
  const void* Address(uint32_t node) const { return marks_.data() + node; }
  size_t size() const { return marks_.size(); }

 private:
  std::vector<uint16_t> marks_;
  uint16_t stamp_ = 0;
};

struct SearchScratch {
  VisitedSet visited;
  std::vector<Candidate> candidates;  // max-heap: the closest unexpanded node on top
  std::vector<Candidate> results;     // min-heap: the farthest kept node on top
  std::vector<uint32_t> ids;          // neighbour ids being expanded
  std::vector<Candidate> pool;        // insert: sorted neighbour candidates
  std::vector<Candidate> selected;    // insert: chosen neighbours
  std::vector<uint32_t> links;        // insert: a neighbour's current list
  std::vector<Candidate> prune_pool;  // insert: an overfull list, scored
  std::vector<Candidate> prune_kept;  // insert: what pruning keeps
  std::vector<float> query;           // the query, normalized for cosine
  std::vector<uint64_t> query_code;   // the query's quantized code (8-byte aligned)
  std::vector<const float*> rescored;  // rescoring: each result's full-precision row
  std::vector<float> row_copies;       // rescoring: rows read with pread
  std::vector<uint8_t> block_copies;   // rescoring: blocks read to verify them
};

class ScratchPool {
 public:
  // Returns scratch to the pool when destroyed.
  class Lease {
   public:
    Lease(ScratchPool& pool, std::unique_ptr<SearchScratch> s) : pool_(pool), s_(std::move(s)) {}
    ~Lease() { pool_.Release(std::move(s_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    SearchScratch& operator*() const { return *s_; }
    SearchScratch* operator->() const { return s_.get(); }

   private:
    ScratchPool& pool_;
    std::unique_ptr<SearchScratch> s_;
  };

  Lease Acquire() {
    std::unique_ptr<SearchScratch> s;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        s = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (s == nullptr) s = std::make_unique<SearchScratch>();
    return Lease(*this, std::move(s));
  }

 private:
  void Release(std::unique_ptr<SearchScratch> s) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(s));
  }

  std::mutex mu_;
  std::vector<std::unique_ptr<SearchScratch>> free_;
};

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_SEARCH_SCRATCH_H_
