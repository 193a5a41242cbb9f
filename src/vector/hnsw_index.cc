// HnswIndex: the public face. Validates every input here, then hands the work
// to hnsw_insert.cc, hnsw_search.cc and hnsw_file.cc (see hnsw_state.h).
#include "vector/hnsw_index.h"

#include <cmath>
#include <cstring>
#include <mutex>
#include <string>

#include "vector/distance.h"
#include "vector/hnsw_file.h"
#include "vector/hnsw_insert.h"
#include "vector/hnsw_search.h"
#include "vector/hnsw_state.h"

namespace quarry::vector {
namespace {

std::string Str(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

Status CheckVector(std::span<const float> v, uint32_t dims, const char* what) {
  if (v.size() != dims) {
    return Status::InvalidArgument(std::string(what) + " has " + std::to_string(v.size()) +
                                   " dimensions, the index has " + std::to_string(dims));
  }
  if (!AllFinite(v))
    return Status::InvalidArgument(std::string(what) + " contains NaN or infinity");
  return Status::Ok();
}

// Rows inserted into an unlinked index would link only to each other, and a
// graph search would never reach the old ones.
Status CheckLinked(const HnswState& s) {
  if (!s.unlinked()) return Status::Ok();
  return Status::FailedPrecondition(
      "hnsw: rows cannot be added to an index written unlinked (fewer rows than "
      "full_scan_threshold, searched by exact scan); build a new one");
}

}  // namespace

Status ValidateHnswConfig(const HnswConfig& c) {
  if (c.distance != DistanceKind::kCosine && c.distance != DistanceKind::kDot &&
      c.distance != DistanceKind::kL2) {
    return Status::InvalidArgument("hnsw: unknown distance");
  }
  if (c.quantization != Quantization::kNone && c.quantization != Quantization::kInt8 &&
      c.quantization != Quantization::kBinary) {
    return Status::InvalidArgument("hnsw: unknown quantization");
  }
  if (c.m < 2 || c.m > 128) {
    return Status::InvalidArgument("hnsw: m must be between 2 and 128, got " + std::to_string(c.m));
  }
  if (c.ef_construct < c.m) {
    return Status::InvalidArgument("hnsw: ef_construct (" + std::to_string(c.ef_construct) +
                                   ") must be at least m (" + std::to_string(c.m) + ")");
  }
  if (c.ef_search < 1) return Status::InvalidArgument("hnsw: ef_search must be at least 1");
  if (!(c.quantile > 0.5f && c.quantile <= 1.0f)) {
    return Status::InvalidArgument("hnsw: quantile must be in (0.5, 1], got " + Str(c.quantile));
  }
  if (!(c.oversampling == 0 || (c.oversampling >= 1 && c.oversampling <= 64))) {
    return Status::InvalidArgument(
        "hnsw: oversampling must be 0 (default) or between 1 and 64, got " + Str(c.oversampling));
  }
  if (!(c.exact_filter_selectivity >= 0 && c.exact_filter_selectivity <= 1)) {
    return Status::InvalidArgument("hnsw: exact_filter_selectivity must be in [0, 1], got " +
                                   Str(c.exact_filter_selectivity));
  }
  return Status::Ok();
}

Quantization ChooseQuantization(size_t rows, size_t int8_above, size_t binary_above) {
  if (rows < int8_above) return Quantization::kNone;
  if (rows <= binary_above) return Quantization::kInt8;
  return Quantization::kBinary;
}

HnswIndex::HnswIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HnswIndex::~HnswIndex() = default;

Result<std::unique_ptr<HnswIndex>> HnswIndex::Create(uint32_t dimensions,
                                                     const HnswConfig& config) {
  if (dimensions == 0 || dimensions > kMaxInt8Dims) {
    return Status::InvalidArgument("hnsw: dimensions must be between 1 and " +
                                   std::to_string(kMaxInt8Dims) + ", got " +
                                   std::to_string(dimensions));
  }
  QUARRY_RETURN_IF_ERROR(ValidateHnswConfig(config));
  auto impl = std::make_unique<Impl>();
  impl->state = std::make_unique<HnswState>(dimensions, config);
  return std::unique_ptr<HnswIndex>(new HnswIndex(std::move(impl)));
}

uint32_t HnswIndex::dimensions() const { return impl_->state->dims; }

size_t HnswIndex::live_count() const {
  const HnswState& s = *impl_->state;
  const uint32_t rows = s.rows.load(std::memory_order_acquire);
  return rows - std::min(rows, s.removed.load(std::memory_order_relaxed));
}

const HnswConfig& HnswIndex::config() const { return impl_->state->config; }
const char* HnswIndex::kernel_name() const { return impl_->state->kernels->name; }

Status HnswIndex::Add(RowId row, std::span<const float> vector) {
  HnswState& s = *impl_->state;
  QUARRY_RETURN_IF_ERROR(CheckVector(vector, s.dims, "vector"));
  std::lock_guard<std::mutex> lock(s.writer);
  const uint32_t next = s.rows.load(std::memory_order_relaxed);
  if (row != next) {
    return Status::InvalidArgument("rows must be added in order: expected row " +
                                   std::to_string(next) + ", got " + std::to_string(row));
  }
  if (uint64_t{row} + 1 > kMaxHnswRows) return Status::ResourceExhausted("hnsw: index is full");
  // Inserting reads old rows (training sample, float32 distances) and copies
  // the partial chunk of a mapped view: verify them all first.
  QUARRY_RETURN_IF_ERROR(s.CheckAllVectors());
  QUARRY_RETURN_IF_ERROR(CheckLinked(s));
  return InsertRows(s, row, vector, 1);
}

Status HnswIndex::AddBatch(RowId first, std::span<const float> vectors) {
  HnswState& s = *impl_->state;
  if (vectors.size() % s.dims != 0) {
    return Status::InvalidArgument("batch of " + std::to_string(vectors.size()) +
                                   " values is not a whole number of " + std::to_string(s.dims) +
                                   "-dimensional vectors");
  }
  const size_t n = vectors.size() / s.dims;
  for (size_t i = 0; i < n; ++i) {
    if (!AllFinite(vectors.subspan(i * s.dims, s.dims))) {
      return Status::InvalidArgument("vector " + std::to_string(i) +
                                     " of the batch contains NaN or infinity");
    }
  }
  std::lock_guard<std::mutex> lock(s.writer);
  const uint32_t next = s.rows.load(std::memory_order_relaxed);
  if (first != next) {
    return Status::InvalidArgument("rows must be added in order: expected first row " +
                                   std::to_string(next) + ", got " + std::to_string(first));
  }
  if (n == 0) return Status::Ok();
  if (uint64_t{first} + n > kMaxHnswRows) return Status::ResourceExhausted("hnsw: index is full");
  QUARRY_RETURN_IF_ERROR(s.CheckAllVectors());  // as in Add
  QUARRY_RETURN_IF_ERROR(CheckLinked(s));
  return InsertRows(s, first, vectors, s.config.build_threads);
}

Status HnswIndex::Remove(RowId row) {
  HnswState& s = *impl_->state;
  std::lock_guard<std::mutex> lock(s.writer);
  if (row >= s.rows.load(std::memory_order_relaxed) || !s.graph.MarkDeleted(row)) {
    return Status::NotFound("row " + std::to_string(row) + " is not in the index");
  }
  s.removed.fetch_add(1, std::memory_order_relaxed);
  return Status::Ok();
}

Status HnswIndex::GetVector(RowId row, std::span<float> out) const {
  const HnswState& s = *impl_->state;
  if (row < s.rows.load(std::memory_order_acquire) && s.graph.IsDeleted(row)) {
    return Status::NotFound("row " + std::to_string(row) + " is not in the index");
  }
  return GetStoredVector(row, out);
}

Status HnswIndex::GetStoredVector(RowId row, std::span<float> out) const {
  const HnswState& s = *impl_->state;
  if (row >= s.rows.load(std::memory_order_acquire)) {
    return Status::NotFound("row " + std::to_string(row) + " is not in the index");
  }
  if (out.size() != s.dims) {
    return Status::InvalidArgument("output has " + std::to_string(out.size()) +
                                   " dimensions, the index has " + std::to_string(s.dims));
  }
  QUARRY_RETURN_IF_ERROR(s.CheckVectors(row, 1));
  std::memcpy(out.data(), s.Vector(row), s.dims * sizeof(float));
  return Status::Ok();
}

Result<std::vector<Neighbor>> HnswIndex::Search(std::span<const float> query,
                                                const SearchParams& params) const {
  const HnswState& s = *impl_->state;
  QUARRY_RETURN_IF_ERROR(CheckVector(query, s.dims, "query vector"));
  if (params.k == 0) return Status::InvalidArgument("k must be at least 1");
  if (params.ef != 0 && params.ef < params.k) {
    return Status::InvalidArgument("ef (" + std::to_string(params.ef) + ") must be at least k (" +
                                   std::to_string(params.k) + ")");
  }
  if (!(params.oversampling == 0 || (params.oversampling >= 1 && params.oversampling <= 64))) {
    return Status::InvalidArgument("oversampling must be 0 (default) or between 1 and 64, got " +
                                   Str(params.oversampling));
  }
  return SearchHnsw(s, query, params);
}

Status HnswIndex::Save(Env& env, const std::string& dir) const {
  return SaveHnsw(env, *impl_->state, dir);
}

Result<std::unique_ptr<HnswIndex>> HnswIndex::Open(Env& env, const std::string& dir,
                                                   bool map_vectors) {
  return Open(env, dir, HnswOpenOptions{.map_vectors = map_vectors});
}

Result<std::unique_ptr<HnswIndex>> HnswIndex::Open(Env& env, const std::string& dir,
                                                   const HnswOpenOptions& options) {
  auto state = OpenHnsw(env, dir, options);
  if (!state.ok()) return state.status();
  auto impl = std::make_unique<Impl>();
  impl->state = std::move(state).value();
  return std::unique_ptr<HnswIndex>(new HnswIndex(std::move(impl)));
}

size_t HnswIndex::ResidentBytes() const {
  const HnswState& s = *impl_->state;
  const size_t rows = s.rows.load(std::memory_order_acquire);
  const size_t data = s.quantized() ? rows * s.codes.stride() : rows * s.vectors.stride();
  return s.graph.MemoryBytes(rows) + data + s.QuantizerBytes();
}

size_t HnswIndex::VectorBytes() const {
  const HnswState& s = *impl_->state;
  return size_t{s.rows.load(std::memory_order_acquire)} * s.vectors.stride();
}

}  // namespace quarry::vector
