// Quarry's HnswIndex (src/vector/hnsw_index.h) behind the Engine interface,
// in three configurations: float32 vectors, int8 codes with rescoring, and
// binary codes with oversampling and rescoring.
//
// full_scan_threshold is 0 so that every unfiltered search walks the graph;
// filtered searches keep Quarry's own policy (an exact scan over the allowed
// rows when the filter is selective), since that is what users get.
#include <limits>
#include <memory>
#include <optional>

#include "engine_registry.h"
#include "vector/hnsw_index.h"
#include "vector/row_filter.h"

namespace quarry::bench {
namespace {

namespace qv = quarry::vector;

class QuarryEngine final : public Engine {
 public:
  explicit QuarryEngine(qv::Quantization q) : quantization_(q) {}

  std::string name() const override {
    switch (quantization_) {
      case qv::Quantization::kInt8:
        return "quarry-int8";
      case qv::Quantization::kBinary:
        return "quarry-bq";
      case qv::Quantization::kNone:
        break;
    }
    return "quarry-f32";
  }
  std::string details() const override {
    std::string d = "quarry HnswIndex, ";
    d += std::string(qv::QuantizationName(quantization_));
    if (quantization_ != qv::Quantization::kNone) d += " + rescoring";
    if (index_ != nullptr) d += std::string(", kernels: ") + index_->kernel_name();
    return d;
  }

  Status Build(const FloatMatrix& base, const BuildConfig& config) override {
    qv::HnswConfig c;
    c.distance = config.metric == Metric::kL2 ? qv::DistanceKind::kL2 : qv::DistanceKind::kCosine;
    c.m = static_cast<uint32_t>(config.m);
    c.ef_construct = static_cast<uint32_t>(config.ef_construction);
    c.full_scan_threshold = 0;
    c.quantization = quantization_;
    c.rescore = true;
    c.build_threads = static_cast<uint32_t>(std::max<size_t>(config.threads, 1));
    c.seed = config.seed;
    QUARRY_ASSIGN_OR_RETURN(index_, qv::HnswIndex::Create(static_cast<uint32_t>(base.cols), c));
    return index_->AddBatch(0, std::span<const float>(base.data.data(), base.data.size()));
  }

  IndexMemory Memory() const override {
    IndexMemory m;
    m.index_bytes = index_->ResidentBytes();
    m.rescore_vector_bytes = quantization_ == qv::Quantization::kNone ? 0 : index_->VectorBytes();
    m.how = "HnswIndex::ResidentBytes() (graph + codes, or graph + vectors for f32)";
    return m;
  }

  bool uses_oversampling() const override { return quantization_ != qv::Quantization::kNone; }

  Status Configure(const SearchSetting& setting) override {
    params_.ef = setting.ef;
    params_.oversampling = setting.oversampling;
    params_.rescore = quantization_ != qv::Quantization::kNone;
    return Status::Ok();
  }

  bool supports_filter() const override { return true; }
  Status SetFilter(const std::vector<uint32_t>* allowed, size_t rows) override {
    filter_.reset();
    params_.filter = nullptr;
    if (allowed == nullptr) return Status::Ok();
    filter_ = std::make_unique<qv::RowFilter>(rows);
    for (uint32_t r : *allowed) filter_->Allow(r);
    params_.filter = filter_.get();
    return Status::Ok();
  }

  Status SearchBatch(const float* queries, size_t count, size_t dims, size_t k,
                     uint32_t* ids) const override {
    qv::SearchParams p = params_;
    p.k = static_cast<uint32_t>(k);
    for (size_t q = 0; q < count; ++q) {
      auto hits = index_->Search(std::span<const float>(queries + q * dims, dims), p);
      if (!hits.ok()) return hits.status();
      uint32_t* out = ids + q * k;
      for (size_t j = 0; j < k; ++j) {
        out[j] = j < hits->size() ? (*hits)[j].row : std::numeric_limits<uint32_t>::max();
      }
    }
    return Status::Ok();
  }

 private:
  qv::Quantization quantization_;
  std::unique_ptr<qv::HnswIndex> index_;
  std::unique_ptr<qv::RowFilter> filter_;
  qv::SearchParams params_;
};

}  // namespace

std::unique_ptr<Engine> MakeQuarryEngine(std::string_view variant) {
  if (variant == "int8") return std::make_unique<QuarryEngine>(qv::Quantization::kInt8);
  if (variant == "bq") return std::make_unique<QuarryEngine>(qv::Quantization::kBinary);
  if (variant == "f32") return std::make_unique<QuarryEngine>(qv::Quantization::kNone);
  return nullptr;
}

}  // namespace quarry::bench
