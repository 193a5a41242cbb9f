// FAISS (Debian libfaiss-dev 1.7.3) IndexHNSWFlat and IndexHNSWSQ (8-bit
// scalar quantizer) behind the Engine interface.
//
// FAISS parallelizes with OpenMP: builds run with omp_set_num_threads(threads);
// each search thread of the harness sets its own OpenMP team to 1 thread
// (the setting is per thread) and passes its whole share of queries in one
// call, the way FAISS is meant to be called (a per-call visited table is
// allocated, so one query per call would penalize it unfairly).
// Debian builds libfaiss for the baseline x86-64 instruction set (upstream's
// AVX2 variant is not packaged); the results say so.
#include <faiss/IndexHNSW.h>
#include <faiss/IndexScalarQuantizer.h>
#include <omp.h>

#include <exception>
#include <limits>
#include <memory>

#include "engine_registry.h"

namespace quarry::bench {
namespace {

class FaissHnswEngine final : public Engine {
 public:
  explicit FaissHnswEngine(bool sq8) : sq8_(sq8) {}

  std::string name() const override { return sq8_ ? "faiss-hnsw-sq8" : "faiss-hnsw-flat"; }
  std::string details() const override {
    return sq8_ ? "faiss 1.7.3 IndexHNSWSQ QT_8bit (Debian build, baseline ISA)"
                : "faiss 1.7.3 IndexHNSWFlat (Debian build, baseline ISA)";
  }

  Status Build(const FloatMatrix& base, const BuildConfig& config) override {
    const faiss::MetricType metric =
        config.metric == Metric::kL2 ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT;
    const int d = static_cast<int>(base.cols);
    const int m = static_cast<int>(config.m);
    const auto n = static_cast<faiss::Index::idx_t>(base.rows);
    try {
      if (sq8_) {
        index_ =
            std::make_unique<faiss::IndexHNSWSQ>(d, faiss::ScalarQuantizer::QT_8bit, m, metric);
      } else {
        index_ = std::make_unique<faiss::IndexHNSWFlat>(d, m, metric);
      }
      index_->hnsw.efConstruction = static_cast<int>(config.ef_construction);
      omp_set_num_threads(static_cast<int>(std::max<size_t>(config.threads, 1)));
      if (sq8_) index_->train(n, base.data.data());  // per-dimension min/max
      index_->add(n, base.data.data());
    } catch (const std::exception& e) {
      return Status::Internal(std::string("faiss: ") + e.what());
    }
    return Status::Ok();
  }

  IndexMemory Memory() const override {
    const auto* codes = dynamic_cast<const faiss::IndexFlatCodes*>(index_->storage);
    const faiss::HNSW& h = index_->hnsw;
    const size_t links = h.neighbors.size() * sizeof(faiss::HNSW::storage_idx_t) +
                         h.offsets.size() * sizeof(size_t) + h.levels.size() * sizeof(int);
    return {.index_bytes = (codes != nullptr ? codes->codes.size() : 0) + links,
            .rescore_vector_bytes = 0,
            .how = "storage codes + HNSW neighbors, offsets and levels"};
  }

  Status Configure(const SearchSetting& setting) override {
    ef_ = static_cast<int>(setting.ef);
    index_->hnsw.efSearch = ef_;
    return Status::Ok();
  }

  Status SearchBatch(const float* queries, size_t count, size_t dims, size_t k,
                     uint32_t* ids) const override {
    (void)dims;
    omp_set_num_threads(1);
    std::vector<float> dist(count * k);
    std::vector<faiss::Index::idx_t> labels(count * k);
    faiss::SearchParametersHNSW params;
    params.efSearch = ef_;
    try {
      index_->search(static_cast<faiss::Index::idx_t>(count), queries,
                     static_cast<faiss::Index::idx_t>(k), dist.data(), labels.data(), &params);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("faiss search: ") + e.what());
    }
    for (size_t i = 0; i < count * k; ++i) {
      ids[i] =
          labels[i] < 0 ? std::numeric_limits<uint32_t>::max() : static_cast<uint32_t>(labels[i]);
    }
    return Status::Ok();
  }

 private:
  bool sq8_;
  int ef_ = 16;
  std::unique_ptr<faiss::IndexHNSW> index_;
};

}  // namespace

std::unique_ptr<Engine> MakeFaissHnswFlatEngine() {
  return std::make_unique<FaissHnswEngine>(false);
}
std::unique_ptr<Engine> MakeFaissHnswSq8Engine() { return std::make_unique<FaissHnswEngine>(true); }

}  // namespace quarry::bench
