// hnswlib (Debian libhnswlib-dev 0.6.2) behind the Engine interface.
//
// hnswlib picks its SIMD distance code when it is compiled (__AVX512F__,
// __AVX__, __SSE__), so this file alone is compiled with the peer flags
// (bench/ann/CMakeLists.txt: QUARRY_BENCH_PEER_FLAGS, -march=native by
// default), as hnswlib's own builds are. Parallel build follows hnswlib's
// Python bindings: the first point alone, then the rest on `threads` threads
// taking rows from a shared counter.
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include "engine_registry.h"

namespace quarry::bench {
namespace {

class HnswlibEngine final : public Engine {
 public:
  std::string name() const override { return "hnswlib"; }
  std::string details() const override {
#if defined(USE_AVX512)
    return "hnswlib 0.6.2, compiled with AVX-512 distance code";
#elif defined(USE_AVX)
    return "hnswlib 0.6.2, compiled with AVX distance code";
#else
    return "hnswlib 0.6.2, compiled with SSE distance code";
#endif
  }

  Status Build(const FloatMatrix& base, const BuildConfig& config) override {
    try {
      if (config.metric == Metric::kL2) {
        space_ = std::make_unique<hnswlib::L2Space>(base.cols);
      } else {
        space_ = std::make_unique<hnswlib::InnerProductSpace>(base.cols);
      }
      index_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
          space_.get(), base.rows, config.m, config.ef_construction, config.seed);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("hnswlib: ") + e.what());
    }
    if (base.rows == 0) return Status::Ok();
    std::mutex error_mu;
    std::string error;
    auto add = [&](size_t row) {
      try {
        index_->addPoint(base.row(row), row);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (error.empty()) error = e.what();
      }
    };
    add(0);
    std::atomic<size_t> next{1};
    auto worker = [&] {
      for (size_t row = next.fetch_add(1); row < base.rows; row = next.fetch_add(1)) add(row);
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < std::max<size_t>(config.threads, 1); ++t) pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool) t.join();
    if (!error.empty()) return Status::Internal("hnswlib addPoint: " + error);
    return Status::Ok();
  }

  IndexMemory Memory() const override {
    // Level 0 (links, vector and label of every element) plus the upper-level
    // link lists. Not counted: label_lookup_ (a hash map), element_levels_,
    // the per-element mutexes; the RSS delta shows them.
    size_t upper = 0;
    for (size_t i = 0; i < index_->cur_element_count; ++i) {
      upper += static_cast<size_t>(index_->element_levels_[i]) * index_->size_links_per_element_;
    }
    return {.index_bytes = index_->cur_element_count * index_->size_data_per_element_ + upper,
            .rescore_vector_bytes = 0,
            .how = "cur_element_count * size_data_per_element_ + upper-level links"};
  }

  Status Configure(const SearchSetting& setting) override {
    index_->setEf(setting.ef);
    return Status::Ok();
  }

  Status SearchBatch(const float* queries, size_t count, size_t dims, size_t k,
                     uint32_t* ids) const override {
    try {
      for (size_t q = 0; q < count; ++q) {
        auto heap = index_->searchKnn(queries + q * dims, k);
        uint32_t* out = ids + q * k;
        std::fill(out, out + k, std::numeric_limits<uint32_t>::max());
        // The heap pops the farthest first.
        for (size_t j = heap.size(); j > 0; --j) {
          if (j <= k) out[j - 1] = static_cast<uint32_t>(heap.top().second);
          heap.pop();
        }
      }
    } catch (const std::exception& e) {
      return Status::Internal(std::string("hnswlib searchKnn: ") + e.what());
    }
    return Status::Ok();
  }

 private:
  std::unique_ptr<hnswlib::SpaceInterface<float>> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index_;
};

}  // namespace

std::unique_ptr<Engine> MakeHnswlibEngine() { return std::make_unique<HnswlibEngine>(); }

}  // namespace quarry::bench
