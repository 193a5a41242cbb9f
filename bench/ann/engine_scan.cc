// Exact scans over Quarry's codes, without a graph: what the roadmap's
// "binary scans are up to 40x faster" is about. Each query scores every row
// with Quarry's kernels (kernels/kernels.h, the table BestKernels() picks) on
// float32 vectors, int8 codes (ScalarQuantizer) or bits above a trained
// centre (BinaryQuantizer), keeps the best k * oversampling, and for codes
// rescores those with float32. The quantizers are trained as HnswIndex
// trains them: on up to 20,000 evenly spaced rows, int8 with quantile 0.99.
// The QPS ratio between quarry-scan-f32 and quarry-scan-bq is the scan
// speed-up; their recall says what the codes lose.
//
// int8 codes are scored as the index scores them (ScalarQuantizer's query
// code, code dot product and row term); binary codes rank by Hamming
// distance alone.
#include <algorithm>
#include <limits>
#include <memory>
#include <utility>

#include "engine_registry.h"
#include "vector/binary_quantizer.h"
#include "vector/kernels/kernels.h"
#include "vector/scalar_quantizer.h"

namespace quarry::bench {
namespace {

namespace qv = quarry::vector;

enum class Codes { kF32, kInt8, kBinary };

constexpr size_t kTrainRows = 20000;

// Up to kTrainRows rows evenly spaced over the base (HnswIndex's sample).
std::vector<float> TrainingSample(const FloatMatrix& base) {
  const size_t rows = std::min(base.rows, kTrainRows);
  std::vector<float> sample;
  sample.reserve(rows * base.cols);
  for (size_t i = 0; i < rows; ++i) {
    const float* row = base.row(i * base.rows / rows);
    sample.insert(sample.end(), row, row + base.cols);
  }
  return sample;
}

// Keeps the `m` highest scores seen (a min-heap on score).
class BestScores {
 public:
  explicit BestScores(size_t m) : m_(m) { heap_.reserve(m + 1); }
  float floor() const {
    return heap_.size() < m_ ? -std::numeric_limits<float>::infinity() : heap_.front().first;
  }
  void Push(float score, uint32_t row) {
    if (heap_.size() < m_) {
      heap_.emplace_back(score, row);
      std::push_heap(heap_.begin(), heap_.end(), Greater);
    } else if (score > heap_.front().first) {
      std::pop_heap(heap_.begin(), heap_.end(), Greater);
      heap_.back() = {score, row};
      std::push_heap(heap_.begin(), heap_.end(), Greater);
    }
  }
  // Best first.
  std::vector<std::pair<float, uint32_t>> Take() && {
    std::sort(heap_.begin(), heap_.end(), Greater);
    return std::move(heap_);
  }

 private:
  static bool Greater(const std::pair<float, uint32_t>& a, const std::pair<float, uint32_t>& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  }
  size_t m_;
  std::vector<std::pair<float, uint32_t>> heap_;
};

class ScanEngine final : public Engine {
 public:
  explicit ScanEngine(Codes codes) : codes_(codes), kernels_(qv::BestKernels()) {}

  std::string name() const override {
    switch (codes_) {
      case Codes::kInt8:
        return "quarry-scan-int8";
      case Codes::kBinary:
        return "quarry-scan-bq";
      case Codes::kF32:
        break;
    }
    return "quarry-scan-f32";
  }
  std::string details() const override {
    return std::string("exact scan with Quarry's kernels (") + kernels_.name + ")" +
           (codes_ == Codes::kF32 ? "" : ", rescoring k * oversampling with float32");
  }

  Status Build(const FloatMatrix& base, const BuildConfig& config) override {
    base_ = &base;
    l2_ = config.metric == Metric::kL2;
    dims_ = base.cols;
    if (codes_ == Codes::kInt8) {
      if (dims_ > qv::kMaxInt8Dims) return Status::InvalidArgument("too many dimensions for int8");
      QUARRY_ASSIGN_OR_RETURN(qv::ScalarQuantizer sq,
                              qv::ScalarQuantizer::Train(TrainingSample(base), dims_, 0.99f));
      sq_ = std::make_unique<qv::ScalarQuantizer>(std::move(sq));
      int8_.resize(base.rows * dims_);
      row_terms_.resize(base.rows);
      for (size_t i = 0; i < base.rows; ++i) {
        row_terms_[i] =
            sq_->Encode(base.row_span(i), std::span<int8_t>(&int8_[i * dims_], dims_), Target());
      }
    }
    if (codes_ == Codes::kBinary) {
      QUARRY_ASSIGN_OR_RETURN(qv::BinaryQuantizer bq,
                              qv::BinaryQuantizer::Train(TrainingSample(base), dims_));
      bq_ = std::make_unique<qv::BinaryQuantizer>(std::move(bq));
      words_ = qv::BinaryQuantizer::WordsFor(dims_);
      bits_.resize(base.rows * words_);
      for (size_t i = 0; i < base.rows; ++i) {
        bq_->Encode(base.row_span(i), std::span<uint64_t>(&bits_[i * words_], words_));
      }
    }
    return Status::Ok();
  }

  IndexMemory Memory() const override {
    const size_t codes =
        int8_.size() + bits_.size() * sizeof(uint64_t) + row_terms_.size() * sizeof(float);
    if (codes_ == Codes::kF32) {
      return {.index_bytes = base_->data.size() * sizeof(float) + codes,
              .rescore_vector_bytes = 0,
              .how = "float32 vectors (the harness's copy)"};
    }
    return {.index_bytes = codes,
            .rescore_vector_bytes = base_->data.size() * sizeof(float),
            .how = "codes (+ int8 row terms); float32 vectors for rescoring"};
  }

  bool uses_ef() const override { return false; }
  bool uses_oversampling() const override { return codes_ != Codes::kF32; }
  Status Configure(const SearchSetting& setting) override {
    // 0: Quarry's defaults (HnswConfig::oversampling).
    if (setting.oversampling > 0) {
      oversampling_ = setting.oversampling;
    } else {
      oversampling_ = codes_ == Codes::kBinary ? 4 : 2;
    }
    return Status::Ok();
  }

  Status SearchBatch(const float* queries, size_t count, size_t dims, size_t k,
                     uint32_t* ids) const override {
    std::vector<int8_t> qcode(dims);
    std::vector<uint64_t> qbits(words_);
    for (size_t q = 0; q < count; ++q) {
      const float* query = queries + q * dims;
      const size_t keep = codes_ == Codes::kF32
                              ? k
                              : std::max(k, static_cast<size_t>(k * double{oversampling_} + 0.999));
      BestScores best(keep);
      const size_t n = base_->rows;
      switch (codes_) {
        case Codes::kF32:
          for (size_t i = 0; i < n; ++i) best.Push(Exact(query, i), static_cast<uint32_t>(i));
          break;
        case Codes::kInt8: {
          const qv::ScalarQuantizer::QueryCode qc =
              sq_->EncodeQuery(std::span<const float>(query, dims), qcode, Target());
          for (size_t i = 0; i < n; ++i) {
            const int32_t dot = kernels_.dot_i8(qcode.data(), &int8_[i * dims], dims);
            best.Push(qc.Estimate(dot, row_terms_[i]), static_cast<uint32_t>(i));
          }
          break;
        }
        case Codes::kBinary:
          bq_->Encode(std::span<const float>(query, dims), qbits);
          for (size_t i = 0; i < n; ++i) {
            const uint32_t h = kernels_.hamming(qbits.data(), &bits_[i * words_], words_);
            best.Push(-static_cast<float>(h), static_cast<uint32_t>(i));
          }
          break;
      }
      std::vector<std::pair<float, uint32_t>> top = std::move(best).Take();
      if (codes_ != Codes::kF32) {
        for (auto& [score, row] : top) score = Exact(query, row);
        std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
          return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
      }
      uint32_t* out = ids + q * k;
      for (size_t j = 0; j < k; ++j) {
        out[j] = j < top.size() ? top[j].second : std::numeric_limits<uint32_t>::max();
      }
    }
    return Status::Ok();
  }

 private:
  qv::ScalarQuantizer::Target Target() const {
    return l2_ ? qv::ScalarQuantizer::Target::kL2 : qv::ScalarQuantizer::Target::kDot;
  }

  // Higher is closer.
  float Exact(const float* query, size_t row) const {
    return l2_ ? -kernels_.l2sq_f32(query, base_->row(row), dims_)
               : kernels_.dot_f32(query, base_->row(row), dims_);
  }

  Codes codes_;
  const qv::Kernels& kernels_;
  const FloatMatrix* base_ = nullptr;
  bool l2_ = false;
  size_t dims_ = 0;
  size_t words_ = 0;
  float oversampling_ = 1;
  std::unique_ptr<qv::ScalarQuantizer> sq_;
  std::unique_ptr<qv::BinaryQuantizer> bq_;
  std::vector<int8_t> int8_;
  std::vector<float> row_terms_;
  std::vector<uint64_t> bits_;
};

}  // namespace

std::unique_ptr<Engine> MakeQuarryScanEngine(std::string_view codes) {
  if (codes == "f32") return std::make_unique<ScanEngine>(Codes::kF32);
  if (codes == "int8") return std::make_unique<ScanEngine>(Codes::kInt8);
  if (codes == "bq") return std::make_unique<ScanEngine>(Codes::kBinary);
  return nullptr;
}

}  // namespace quarry::bench
