#include "ground_truth.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>

namespace quarry::bench {
namespace {

constexpr size_t kQueryBlock = 8;    // queries sharing one pass over a base block
constexpr size_t kBaseBlock = 1024;  // rows per block: a few hundred KiB at 384-d

using Entry = std::pair<float, uint32_t>;  // (distance, row); the pair order breaks ties by row

// A bounded max-heap holding the k best entries seen so far.
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) { heap_.reserve(k + 1); }
  float worst() const { return heap_.size() < k_ ? kInf : heap_.front().first; }
  void Push(float d, uint32_t row) {
    const Entry e{d, row};
    if (heap_.size() < k_) {
      heap_.push_back(e);
      std::push_heap(heap_.begin(), heap_.end());
    } else if (e < heap_.front()) {
      std::pop_heap(heap_.begin(), heap_.end());
      heap_.back() = e;
      std::push_heap(heap_.begin(), heap_.end());
    }
  }
  std::vector<Entry> Sorted() && {
    std::sort_heap(heap_.begin(), heap_.end());
    return std::move(heap_);
  }

 private:
  static constexpr float kInf = 3.4e38f;
  size_t k_;
  std::vector<Entry> heap_;
};

}  // namespace

GroundTruth ExactNeighbors(const FloatMatrix& base, const FloatMatrix& queries, Metric metric,
                           size_t k, size_t threads, const std::vector<uint32_t>& allowed) {
  const size_t dims = base.cols;
  const size_t candidates = allowed.empty() ? base.rows : allowed.size();
  GroundTruth gt{IntMatrix(queries.rows, k), FloatMatrix(queries.rows, k)};
  std::atomic<size_t> next_block{0};

  auto worker = [&] {
    std::vector<float> block(kBaseBlock * dims);  // gathered rows when filtered
    std::vector<float> dist(kBaseBlock);
    for (;;) {
      const size_t q0 = next_block.fetch_add(kQueryBlock);
      if (q0 >= queries.rows) return;
      const size_t q1 = std::min(q0 + kQueryBlock, queries.rows);
      std::vector<TopK> tops(q1 - q0, TopK(k));
      for (size_t b0 = 0; b0 < candidates; b0 += kBaseBlock) {
        const size_t n = std::min(kBaseBlock, candidates - b0);
        const float* rows = base.row(b0);
        if (!allowed.empty()) {
          for (size_t i = 0; i < n; ++i) {
            std::copy_n(base.row(allowed[b0 + i]), dims, block.data() + i * dims);
          }
          rows = block.data();
        }
        for (size_t q = q0; q < q1; ++q) {
          ExactDistances(metric, queries.row(q), rows, n, dims, dist.data());
          TopK& top = tops[q - q0];
          for (size_t i = 0; i < n; ++i) {
            if (dist[i] <= top.worst()) {
              top.Push(dist[i], allowed.empty() ? static_cast<uint32_t>(b0 + i) : allowed[b0 + i]);
            }
          }
        }
      }
      for (size_t q = q0; q < q1; ++q) {
        const std::vector<Entry> best = std::move(tops[q - q0]).Sorted();
        for (size_t j = 0; j < k; ++j) {
          gt.ids.row(q)[j] = j < best.size() ? static_cast<int32_t>(best[j].second) : -1;
          gt.dists.row(q)[j] = j < best.size() ? best[j].first : 3.4e38f;
        }
      }
    }
  };

  std::vector<std::thread> pool;
  for (size_t t = 1; t < std::max<size_t>(threads, 1); ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  return gt;
}

}  // namespace quarry::bench
