#include "vector/hnsw_search.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "vector/distance.h"
#include "vector/hnsw_codes.h"
#include "vector/hnsw_space.h"
#include "vector/hnsw_traversal.h"

namespace quarry::vector {
namespace {

// Cost of scoring one row of a filtered exact scan (a float32 row, 4·dims
// bytes fetched from a scattered address), in units of one distance of a
// graph traversal (about m per expansion). Measured on 100k x 384 (int8
// codes, docs/design/hnsw.md): 77 ns per scanned row, 19 ns per traversal
// distance. With float32 traversal the two fetch the same rows.
constexpr double kScanRowCostQuantized = 4.0;
constexpr double kScanRowCostFloat = 1.5;

bool Better(const Neighbor& a, const Neighbor& b) {
  return a.score != b.score ? a.score > b.score : a.row < b.row;
}

// The k best neighbours seen, worst on top of a heap.
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) {}
  void Push(Neighbor n) {
    if (heap_.size() < k_) {
      heap_.push_back(n);
      std::push_heap(heap_.begin(), heap_.end(), Better);
    } else if (Better(n, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), Better);
      heap_.back() = n;
      std::push_heap(heap_.begin(), heap_.end(), Better);
    }
  }
  // Best first.
  std::vector<Neighbor> Take() {
    std::sort_heap(heap_.begin(), heap_.end(), Better);
    return std::move(heap_);
  }

 private:
  size_t k_;
  std::vector<Neighbor> heap_;
};

// Rows scored ahead of their prefetch: the rows of a filtered scan are
// scattered, and each one is a cache miss the hardware cannot predict.
constexpr size_t kScanLookahead = 4;

Result<std::vector<Neighbor>> ExactScan(const HnswState& state, const float* query, uint32_t rows,
                                        size_t k, const RowFilter* filter, SearchScratch& s) {
  TopK top(k);
  const bool any_deleted = state.removed.load(std::memory_order_relaxed) > 0;
  const size_t lines = PrefetchLinesFor(state.vectors.stride());
  auto consider = [&](uint32_t row) {
    if (any_deleted && state.graph.IsDeleted(row)) return;
    top.Push({row, ExactScore(*state.kernels, state.l2(), query, state.Vector(row), state.dims)});
  };
  if (filter == nullptr) {
    QUARRY_RETURN_IF_ERROR(state.CheckVectors(0, rows));
    for (uint32_t row = 0; row < rows; ++row) consider(row);  // sequential: prefetched by the CPU
    return top.Take();
  }
  s.ids.clear();
  filter->ForEach([&](uint32_t row) {
    if (row < rows) s.ids.push_back(row);
  });
  for (uint32_t row : s.ids) QUARRY_RETURN_IF_ERROR(state.CheckVectors(row, 1));
  for (size_t i = 0; i < s.ids.size(); ++i) {
    if (i + kScanLookahead < s.ids.size()) {
      PrefetchLines(state.Vector(s.ids[i + kScanLookahead]), lines);
    }
    consider(s.ids[i]);
  }
  return top.Take();
}

struct GraphQuery {
  size_t k;
  size_t ef;    // candidate list size of the level-0 beam
  size_t keep;  // candidates rescored (k when not rescoring)
  bool rescore;
  const RowFilter* filter;
};

// Walks the graph with `space` and returns the best `q.keep` candidates
// sorted closest first, with their space scores.
template <class Space, class Eligible>
void Walk(const HnswState& state, const Space& space, const Eligible& eligible, const GraphQuery& q,
          SearchScratch& s) {
  const HnswGraph::Entry ep = state.graph.entry();
  Candidate cur{space.Score(ep.node), ep.node};
  cur = GreedyDescend(state.graph, space, cur, ep.level, 0);
  BeamSearch(state.graph, space, 0, cur, q.ef, eligible, s);
  std::sort(s.results.begin(), s.results.end(), CloserFirst);
  if (s.results.size() > q.keep) s.results.resize(q.keep);
}

template <class Space>
void WalkWithPolicy(const HnswState& state, const Space& space, const GraphQuery& q,
                    SearchScratch& s) {
  if (q.filter != nullptr) {
    Walk(state, space, AllowedNode{&state.graph, q.filter}, q, s);
  } else if (state.removed.load(std::memory_order_relaxed) > 0) {
    Walk(state, space, LiveNode{&state.graph}, q, s);
  } else {
    Walk(state, space, AnyNode{}, q, s);
  }
}

// Points s.rescored[i] at the full-precision row of s.results[i], verified:
// a copy read with pread for the rows of a file read that way, else the row
// itself (owned, or checked on first touch through the mapping). A damaged
// row fails the search rather than rank anything.
Status FindRescoredRows(const HnswState& state, SearchScratch& s) {
  const size_t n = s.results.size();
  const PreadRows* file = state.pread_rows.get();
  const size_t floats = state.vectors.stride() / sizeof(float);
  const size_t lines = PrefetchLinesFor(state.vectors.stride());
  s.rescored.resize(n);
  if (file != nullptr) s.row_copies.resize(n * floats);  // before any pointer into it is taken
  for (size_t i = 0; i < n; ++i) {
    const uint32_t row = s.results[i].node;
    if (file != nullptr && row < file->rows()) {
      float* copy = s.row_copies.data() + i * floats;
      QUARRY_RETURN_IF_ERROR(file->Read(row, reinterpret_cast<uint8_t*>(copy), &s.block_copies));
      s.rescored[i] = copy;
    } else {
      QUARRY_RETURN_IF_ERROR(state.CheckVectors(row, 1));
      s.rescored[i] = state.Vector(row);
      PrefetchLines(s.rescored[i], lines);
    }
  }
  return Status::Ok();
}

Result<std::vector<Neighbor>> GraphSearch(const HnswState& state, const float* query,
                                          const GraphQuery& q, SearchScratch& s) {
  const uint32_t dims = state.dims;
  const bool quantized = state.quantized() && state.codes_ready.load(std::memory_order_acquire);
  if (!quantized) {
    const F32Space space{&state.vectors, state.kernels, query,
                         dims,           state.l2(),    PrefetchLinesFor(state.vectors.stride())};
    WalkWithPolicy(state, space, q, s);
  } else if (state.config.quantization == Quantization::kInt8) {
    s.query_code.resize(Int8CodeBytes(dims) / 8 + 1);
    auto* code = reinterpret_cast<int8_t*>(s.query_code.data());
    const Int8Space space{
        &state.codes, state.kernels,
        code,         state.scalar->EncodeQuery({query, dims}, {code, dims}, state.Int8Target()),
        dims,         PrefetchLinesFor(state.codes.stride())};
    WalkWithPolicy(state, space, q, s);
  } else {
    const size_t words = BinaryQuantizer::WordsFor(dims);
    s.query_code.resize(words);
    state.binary->Encode({query, dims}, {s.query_code.data(), words});
    const BinarySpace space{&state.codes,
                            state.kernels,
                            s.query_code.data(),
                            dims,
                            static_cast<uint32_t>(words),
                            1.0f / static_cast<float>(dims),
                            PrefetchLinesFor(state.codes.stride())};
    WalkWithPolicy(state, space, q, s);
  }

  std::vector<Neighbor> out;
  out.reserve(s.results.size());
  const bool rescore = q.rescore && quantized;
  if (rescore) QUARRY_RETURN_IF_ERROR(FindRescoredRows(state, s));
  for (size_t i = 0; i < s.results.size(); ++i) {
    const Candidate& c = s.results[i];
    const float score =
        rescore ? ExactScore(*state.kernels, state.l2(), query, s.rescored[i], dims) : c.score;
    out.push_back({c.node, score});
  }
  std::sort(out.begin(), out.end(), Better);
  if (out.size() > q.k) out.resize(q.k);
  return out;
}

}  // namespace

bool ExactScanIsBetter(const HnswConfig& config, size_t allowed, size_t rows, size_t ef) {
  if (rows == 0 || allowed == 0) return true;
  const double a = static_cast<double>(std::min(allowed, rows));
  if (a <= config.exact_filter_selectivity * static_cast<double>(rows)) return true;
  const double selectivity = a / static_cast<double>(rows);
  const double expansions =
      std::min(static_cast<double>(rows), static_cast<double>(ef) / selectivity);
  const double traversal = expansions * config.m;
  const double row_cost =
      config.quantization == Quantization::kNone ? kScanRowCostFloat : kScanRowCostQuantized;
  return a * row_cost <= traversal;
}

Result<std::vector<Neighbor>> SearchHnsw(const HnswState& state, std::span<const float> raw,
                                         const SearchParams& params, SearchPlan plan) {
  const uint32_t rows = state.rows.load(std::memory_order_acquire);
  const size_t live = rows - std::min(rows, state.removed.load(std::memory_order_relaxed));
  if (live == 0 || (params.filter != nullptr && params.filter->count() == 0)) {
    return std::vector<Neighbor>();
  }
  auto scratch = state.scratch.Acquire();
  SearchScratch& s = *scratch;
  s.query.assign(raw.begin(), raw.end());
  if (state.config.distance == DistanceKind::kCosine) NormalizeL2(s.query);
  const float* query = s.query.data();

  const bool no_graph = state.graph.entry().node == kNoNode;
  if (plan == SearchPlan::kExact || no_graph ||
      (plan == SearchPlan::kAuto && live < state.config.full_scan_threshold)) {
    return ExactScan(state, query, rows, params.k, params.filter, s);
  }

  GraphQuery q;
  q.k = params.k;
  q.filter = params.filter;
  q.rescore = state.quantized() && params.rescore.value_or(state.config.rescore);
  const float oversampling =
      params.oversampling > 0 ? params.oversampling : state.DefaultOversampling();
  q.keep = q.rescore
               ? std::max<size_t>(q.k, static_cast<size_t>(std::ceil(q.k * double{oversampling})))
               : q.k;
  q.ef = std::max<size_t>({params.ef != 0 ? params.ef : state.config.ef_search, q.k, q.keep});

  if (plan == SearchPlan::kAuto && params.filter != nullptr &&
      ExactScanIsBetter(state.config, params.filter->count(), rows, q.ef)) {
    return ExactScan(state, query, rows, params.k, params.filter, s);
  }
  return GraphSearch(state, query, q, s);
}

}  // namespace quarry::vector
