#include "ingest/semantic_breaks.h"

#include <algorithm>
#include <cmath>

namespace quarry::ingest {
namespace {

// The sum of the vectors of units [begin, end) into `out`.
void SumVectors(std::span<const float> vectors, size_t dimensions, size_t begin, size_t end,
                std::vector<double>* out) {
  out->assign(dimensions, 0.0);
  for (size_t u = begin; u < end; ++u) {
    const float* v = vectors.data() + u * dimensions;
    for (size_t d = 0; d < dimensions; ++d) (*out)[d] += v[d];
  }
}

// 1 - cosine similarity; a zero vector (a unit the embedder saw as empty) is
// at distance 1 from everything, as nothing is known to be shared with it.
double CosineDistance(const std::vector<double>& a, const std::vector<double>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t d = 0; d < a.size(); ++d) {
    dot += a[d] * b[d];
    na += a[d] * a[d];
    nb += b[d] * b[d];
  }
  if (na == 0 || nb == 0) return 1.0;
  const double distance = 1.0 - dot / std::sqrt(na * nb);
  // A non-finite component (a broken remote embedder) says nothing about the
  // topic; NaN would also break the sort of the percentile.
  return std::isfinite(distance) ? distance : 0.0;
}

}  // namespace

std::vector<UnitDistance> NeighbourDistances(const std::vector<ChunkUnit>& units,
                                             std::span<const float> vectors, size_t dimensions) {
  std::vector<UnitDistance> distances;
  std::vector<double> before, after;
  for (size_t section_begin = 0; section_begin < units.size();) {
    size_t section_end = section_begin + 1;
    while (section_end < units.size() &&
           units[section_end].section == units[section_begin].section) {
      ++section_end;
    }
    for (size_t u = section_begin + 1; u < section_end; ++u) {
      SumVectors(vectors, dimensions, std::max(section_begin + kBlockUnits, u) - kBlockUnits, u,
                 &before);
      SumVectors(vectors, dimensions, u, std::min(section_end, u + kBlockUnits), &after);
      distances.push_back({u, CosineDistance(before, after)});
    }
    section_begin = section_end;
  }
  return distances;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(values.size() - 1, lo + 1);
  return values[lo] + (values[hi] - values[lo]) * (rank - static_cast<double>(lo));
}

std::vector<UnitDistance> SemanticBreaks(const std::vector<ChunkUnit>& units,
                                         std::span<const float> vectors, size_t dimensions,
                                         double percentile) {
  const std::vector<UnitDistance> distances = NeighbourDistances(units, vectors, dimensions);
  std::vector<double> values;
  values.reserve(distances.size());
  for (const UnitDistance& d : distances) values.push_back(d.distance);
  const double threshold = Percentile(values, percentile);
  std::vector<UnitDistance> breaks;
  for (const UnitDistance& d : distances) {
    if (d.distance > threshold + kDistanceTolerance) breaks.push_back(d);
  }
  return breaks;
}

}  // namespace quarry::ingest
