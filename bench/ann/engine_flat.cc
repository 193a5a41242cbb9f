// The exact baseline: every query scans every (allowed) row with the
// benchmark's own distance code (exact_distance.h) and keeps the k best. It
// has no ef; its recall is 1 by construction, and its QPS is what an index
// has to beat.
#include <algorithm>
#include <limits>
#include <utility>

#include "engine_registry.h"

namespace quarry::bench {
namespace {

class FlatEngine final : public Engine {
 public:
  std::string name() const override { return "flat"; }
  std::string details() const override { return "exact scan (bench/ann/exact_distance.cc)"; }

  Status Build(const FloatMatrix& base, const BuildConfig& config) override {
    base_ = &base;
    metric_ = config.metric;
    return Status::Ok();
  }

  IndexMemory Memory() const override {
    return {.index_bytes = base_->data.size() * sizeof(float),
            .rescore_vector_bytes = 0,
            .how = "the float32 vectors (the harness's own copy, shared)"};
  }

  bool uses_ef() const override { return false; }
  Status Configure(const SearchSetting&) override { return Status::Ok(); }

  bool supports_filter() const override { return true; }
  Status SetFilter(const std::vector<uint32_t>* allowed, size_t) override {
    allowed_ = allowed;
    return Status::Ok();
  }

  Status SearchBatch(const float* queries, size_t count, size_t dims, size_t k,
                     uint32_t* ids) const override {
    const size_t n = allowed_ != nullptr ? allowed_->size() : base_->rows;
    std::vector<std::pair<float, uint32_t>> scored(n);
    std::vector<float> dist(base_->rows);
    for (size_t q = 0; q < count; ++q) {
      const float* query = queries + q * dims;
      if (allowed_ == nullptr) {
        ExactDistances(metric_, query, base_->row(0), base_->rows, dims, dist.data());
        for (size_t i = 0; i < n; ++i) scored[i] = {dist[i], static_cast<uint32_t>(i)};
      } else {
        for (size_t i = 0; i < n; ++i) {
          const uint32_t r = (*allowed_)[i];
          scored[i] = {ExactDistance(metric_, query, base_->row(r), dims), r};
        }
      }
      const size_t kk = std::min(k, n);
      std::partial_sort(scored.begin(), scored.begin() + static_cast<ptrdiff_t>(kk), scored.end());
      uint32_t* out = ids + q * k;
      for (size_t j = 0; j < k; ++j) {
        out[j] = j < kk ? scored[j].second : std::numeric_limits<uint32_t>::max();
      }
    }
    return Status::Ok();
  }

 private:
  const FloatMatrix* base_ = nullptr;
  const std::vector<uint32_t>* allowed_ = nullptr;
  Metric metric_ = Metric::kL2;
};

}  // namespace

std::unique_ptr<Engine> MakeFlatEngine() { return std::make_unique<FlatEngine>(); }

}  // namespace quarry::bench
