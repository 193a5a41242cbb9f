#include "search/fusion.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace quarry::search {
namespace {

// One retriever's hit, deduplicated and ranked.
struct Entry {
  ChunkKey key;
  size_t retriever = 0;
  uint32_t rank = 0;
  double score = 0;
};

// Appends the first occurrence of each key of `hits` with its 1-based rank.
// A later duplicate is dropped, but it still takes a position: ranks are the
// retriever's positions, so they stay comparable with what it reported.
void AppendRanked(std::span<const RankedHit> hits, size_t retriever, std::vector<Entry>* out) {
  const size_t first = out->size();
  for (size_t i = 0; i < hits.size(); ++i) {
    out->push_back(Entry{hits[i].key, retriever, static_cast<uint32_t>(i + 1), hits[i].score});
  }
  // Sorting by (key, rank) and keeping the first of each key is the dedup.
  auto begin = out->begin() + static_cast<std::ptrdiff_t>(first);
  std::sort(begin, out->end(), [](const Entry& a, const Entry& b) {
    return a.key != b.key ? a.key < b.key : a.rank < b.rank;
  });
  out->erase(
      std::unique(begin, out->end(), [](const Entry& a, const Entry& b) { return a.key == b.key; }),
      out->end());
}

Status CheckFinite(std::span<const RankedHit> hits, Retriever r) {
  for (size_t i = 0; i < hits.size(); ++i) {
    if (!std::isfinite(hits[i].score)) {
      return Status::InvalidArgument(std::string(RetrieverName(r)) + " hit " + std::to_string(i) +
                                     " has a score that is not finite");
    }
  }
  return Status::Ok();
}

// min-max normalizes the scores of entries [begin, end) (one retriever's).
std::vector<double> Normalize(std::span<const Entry> entries) {
  std::vector<double> norm(entries.size(), 1.0);
  if (entries.empty()) return norm;
  double lo = entries[0].score;
  double hi = entries[0].score;
  for (const Entry& e : entries) {
    lo = std::min(lo, e.score);
    hi = std::max(hi, e.score);
  }
  if (hi > lo) {
    // hi − lo may overflow to infinity for finite scores of opposite signs
    // near the double range; dividing both by 2 first keeps it finite.
    const double range = hi / 2 - lo / 2;
    for (size_t i = 0; i < entries.size(); ++i) {
      norm[i] = std::clamp((entries[i].score / 2 - lo / 2) / range, 0.0, 1.0);
    }
  }
  return norm;
}

}  // namespace

std::string_view RetrieverName(Retriever r) {
  return r == Retriever::kKeyword ? "keyword" : "vector";
}

std::string_view FusionMethodName(FusionMethod m) {
  return m == FusionMethod::kRrf ? "rrf" : "blend";
}

Result<FusionMethod> ParseFusionMethod(std::string_view name) {
  if (name == "rrf") return FusionMethod::kRrf;
  if (name == "blend") return FusionMethod::kBlend;
  return Status::InvalidArgument("unknown fusion method '" + std::string(name) +
                                 "' (available: rrf, blend)");
}

Status ValidateFusionOptions(const FusionOptions& options) {
  if (!(options.rrf_k >= 0 && options.rrf_k <= FusionOptions::kMaxRrfK)) {
    return Status::InvalidArgument("rrf_k must be a number between 0 and 1000000");
  }
  if (!(options.alpha >= 0 && options.alpha <= 1)) {
    return Status::InvalidArgument("alpha must be a number between 0 and 1");
  }
  return Status::Ok();
}

uint32_t FusedHit::best_rank() const {
  uint32_t best = UINT32_MAX;
  for (const auto& c : from) {
    if (c.has_value()) best = std::min(best, c->rank);
  }
  return best;
}

double FusedHit::share(Retriever r) const {
  const auto& c = of(r);
  if (!c.has_value() || score <= 0) return 0;
  return std::clamp(c->contribution / score, 0.0, 1.0);
}

Result<std::vector<FusedHit>> Fuse(std::span<const RankedHit> keyword,
                                   std::span<const RankedHit> vector,
                                   const FusionOptions& options) {
  QUARRY_RETURN_IF_ERROR(ValidateFusionOptions(options));
  const bool blend = options.method == FusionMethod::kBlend;
  if (blend) {
    QUARRY_RETURN_IF_ERROR(CheckFinite(keyword, Retriever::kKeyword));
    QUARRY_RETURN_IF_ERROR(CheckFinite(vector, Retriever::kVector));
  }

  std::vector<Entry> entries;
  entries.reserve(keyword.size() + vector.size());
  AppendRanked(keyword, static_cast<size_t>(Retriever::kKeyword), &entries);
  const size_t keyword_count = entries.size();
  AppendRanked(vector, static_cast<size_t>(Retriever::kVector), &entries);

  std::vector<double> norm;
  if (blend) {
    const std::span<const Entry> all(entries);
    norm = Normalize(all.first(keyword_count));
    const std::vector<double> vector_norm = Normalize(all.subspan(keyword_count));
    norm.insert(norm.end(), vector_norm.begin(), vector_norm.end());
  }
  const std::array<double, kRetrieverCount> weight = {1 - options.alpha, options.alpha};

  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return entries[a].key != entries[b].key ? entries[a].key < entries[b].key
                                            : entries[a].retriever < entries[b].retriever;
  });

  std::vector<FusedHit> fused;
  fused.reserve(entries.size());
  for (size_t i : order) {
    const Entry& e = entries[i];
    if (fused.empty() || fused.back().key != e.key) fused.push_back(FusedHit{.key = e.key});
    RetrieverContribution c{.rank = e.rank, .score = e.score};
    if (blend) {
      c.normalized = norm[i];
      c.contribution = weight[e.retriever] * norm[i];
    } else {
      c.contribution = 1.0 / (options.rrf_k + static_cast<double>(e.rank));
    }
    fused.back().from[e.retriever] = c;
  }
  // Summed in retriever order, never in arrival order, so equal inputs give
  // bit-identical scores.
  for (FusedHit& hit : fused) {
    hit.score = 0;
    for (const auto& c : hit.from) {
      if (c.has_value()) hit.score += c->contribution;
    }
  }

  const auto better = [](const FusedHit& a, const FusedHit& b) {
    if (a.score != b.score) return a.score > b.score;
    const uint32_t ra = a.best_rank();
    const uint32_t rb = b.best_rank();
    if (ra != rb) return ra < rb;
    return a.key < b.key;
  };
  if (options.limit != 0 && options.limit < fused.size()) {
    const auto mid = fused.begin() + static_cast<std::ptrdiff_t>(options.limit);
    std::partial_sort(fused.begin(), mid, fused.end(), better);
    fused.erase(mid, fused.end());
  } else {
    std::sort(fused.begin(), fused.end(), better);
  }
  return fused;
}

}  // namespace quarry::search
