#include "vector/flat_index.h"

#include <algorithm>
#include <queue>
#include <string>

#include "base/check.h"
#include "vector/distance.h"

namespace quarry::vector {
namespace {

// Orders a min-heap of the current top-k: the worst kept neighbour on top.
// Worse = lower score, or equal score and higher row id.
struct WorseOnTop {
  bool operator()(const Neighbor& a, const Neighbor& b) const {
    if (a.score != b.score) return a.score > b.score;
    return a.row < b.row;
  }
};

size_t RowBytes(uint32_t dimensions) {
  QUARRY_CHECK(dimensions > 0, "callers validate dimensions from the collection config");
  return size_t{dimensions} * sizeof(float);
}

bool Better(const Neighbor& a, const Neighbor& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.row < b.row;
}

}  // namespace

FlatIndex::FlatIndex(uint32_t dimensions)
    : dimensions_(dimensions), kernels_(BestKernels()), rows_(RowBytes(dimensions)) {}

Status FlatIndex::Add(RowId row, std::span<const float> vector) {
  if (row != alive_.size()) {
    return Status::InvalidArgument("rows must be added in order: expected row " +
                                   std::to_string(alive_.size()) + ", got " + std::to_string(row));
  }
  if (vector.size() != dimensions_) {
    return Status::InvalidArgument("vector has " + std::to_string(vector.size()) +
                                   " dimensions, the index has " + std::to_string(dimensions_));
  }
  if (!AllFinite(vector)) return Status::InvalidArgument("vector contains NaN or infinity");
  QUARRY_RETURN_IF_ERROR(rows_.Reserve(row + size_t{1}));
  rows_.CopyIn(row, reinterpret_cast<const uint8_t*>(vector.data()), 1);
  alive_.push_back(1);
  ++live_;
  return Status::Ok();
}

Status FlatIndex::Remove(RowId row) {
  if (row >= alive_.size() || !alive_[row]) {
    return Status::NotFound("row " + std::to_string(row) + " is not in the index");
  }
  alive_[row] = 0;
  --live_;
  return Status::Ok();
}

Status FlatIndex::GetVector(RowId row, std::span<float> out) const {
  if (row >= alive_.size() || !alive_[row]) {
    return Status::NotFound("row " + std::to_string(row) + " is not in the index");
  }
  if (out.size() != dimensions_) return Status::InvalidArgument("output has wrong dimensions");
  const std::span<const float> stored = Row(row);
  std::copy(stored.begin(), stored.end(), out.begin());
  return Status::Ok();
}

Result<std::vector<Neighbor>> FlatIndex::Search(std::span<const float> query,
                                                const SearchParams& params) const {
  if (query.size() != dimensions_) {
    return Status::InvalidArgument("query has " + std::to_string(query.size()) +
                                   " dimensions, the index has " + std::to_string(dimensions_));
  }
  if (params.k == 0) return Status::InvalidArgument("k must be at least 1");
  if (!AllFinite(query)) return Status::InvalidArgument("query vector contains NaN or infinity");

  std::priority_queue<Neighbor, std::vector<Neighbor>, WorseOnTop> top;
  const size_t rows = alive_.size();
  for (size_t r = 0; r < rows; ++r) {
    if (!alive_[r]) continue;
    const auto row = static_cast<RowId>(r);
    if (params.filter != nullptr && !params.filter->Contains(row)) continue;
    Neighbor candidate{row, kernels_.dot_f32(query.data(), Row(row).data(), dimensions_)};
    if (top.size() < params.k) {
      top.push(candidate);
    } else if (Better(candidate, top.top())) {
      top.pop();
      top.push(candidate);
    }
  }
  std::vector<Neighbor> out;
  out.reserve(top.size());
  while (!top.empty()) {
    out.push_back(top.top());
    top.pop();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace quarry::vector
