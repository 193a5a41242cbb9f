#include "vector/hnsw_insert.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#include "base/check.h"
#include "vector/distance.h"
#include "vector/hnsw_codes.h"
#include "vector/hnsw_space.h"
#include "vector/hnsw_traversal.h"
#include "vector/parallel_workers.h"

namespace quarry::vector {
namespace {

// Rows per task when copying vectors and encoding codes.
constexpr size_t kCopyTaskRows = 4096;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Runs f(begin, end) over [first, last) in tasks of kCopyTaskRows rows.
template <typename F>
void ForRowRanges(size_t threads, size_t first, size_t last, F&& f) {
  const size_t tasks = (last - first + kCopyTaskRows - 1) / kCopyTaskRows;
  std::atomic<size_t> next{0};
  RunWorkers(WorkerCount(threads, tasks, 1), [&](size_t) {
    for (size_t t = next.fetch_add(1); t < tasks; t = next.fetch_add(1)) {
      const size_t begin = first + t * kCopyTaskRows;
      f(begin, std::min(last, begin + kCopyTaskRows));
    }
  });
}

// The HNSW heuristic (Malkov & Yashunin, algorithm 4; hnswlib's
// getNeighborsByHeuristic2): walking candidates from the closest, keep one
// only if it is closer to the base than to every neighbour already kept.
// This spreads links over directions instead of spending them all inside
// one cluster, which is what keeps clustered data navigable.
// REQUIRES: `pool` sorted closest first; scores are similarities to the base.
template <class Space>
void SelectNeighbours(const Space& space, const std::vector<Candidate>& pool, size_t max_keep,
                      std::vector<Candidate>& kept) {
  kept.clear();
  for (const Candidate& c : pool) {
    if (kept.size() >= max_keep) break;
    bool keep = true;
    for (const Candidate& k : kept) {
      if (space.Pair(c.node, k.node) > c.score) {
        keep = false;
        break;
      }
    }
    if (keep) kept.push_back(c);
  }
}

// Links `node` to `selected` at `level` and each of them back to it, pruning
// a neighbour's list with the heuristic when it is full. Holds one link lock
// at a time.
template <class Space>
void Connect(HnswState& state, const Space& space, uint32_t node, int level, SearchScratch& s) {
  HnswGraph& graph = state.graph;
  const uint32_t cap = graph.Capacity(level);
  {
    LinkLocks::Guard guard(state.link_locks, node);
    // A concurrent insert may already have linked itself to `node` (it found
    // it through an upper level); keep such links while there is room.
    graph.ReadLinks(node, level, s.links);
    std::vector<uint32_t>& ids = s.ids;
    ids.clear();
    for (const Candidate& c : s.selected) ids.push_back(c.node);
    for (uint32_t id : s.links) {
      if (ids.size() >= cap) break;
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    graph.WriteLinks(node, level, ids);
  }
  for (const Candidate& nb : s.selected) {
    LinkLocks::Guard guard(state.link_locks, nb.node);
    const uint32_t count = graph.ReadLinks(nb.node, level, s.links);
    if (std::find(s.links.begin(), s.links.end(), node) != s.links.end()) continue;
    if (count < cap) {
      uint32_t* list = graph.MutableLinks(nb.node, level);
      StoreLinkWord(list + 1 + count, node);
      StoreLinkWord(list, count + 1);
      continue;
    }
    // Full: choose the best `cap` of the old neighbours plus `node`, seen
    // from nb (scores are similarities to nb).
    s.prune_pool.clear();
    s.prune_pool.push_back({nb.score, node});
    for (uint32_t id : s.links) s.prune_pool.push_back({space.Pair(nb.node, id), id});
    std::sort(s.prune_pool.begin(), s.prune_pool.end(), CloserFirst);
    SelectNeighbours(space, s.prune_pool, cap, s.prune_kept);
    s.links.clear();
    for (const Candidate& c : s.prune_kept) s.links.push_back(c.node);
    graph.WriteLinks(nb.node, level, s.links);
  }
}

// Inserts one initialized node (vector, codes and level already stored).
template <class Space>
void InsertNode(HnswState& state, const Space& space, uint32_t node, SearchScratch& s) {
  HnswGraph& graph = state.graph;
  const int level = graph.Level(node);
  HnswGraph::Entry ep = graph.entry();
  // An insert that raises the top level holds entry_lock throughout, so that
  // no other insert starts from an entry point that is not linked yet.
  std::unique_lock<std::mutex> top_lock(state.entry_lock, std::defer_lock);
  if (level > ep.level) {
    top_lock.lock();
    ep = graph.entry();
    if (level <= ep.level) top_lock.unlock();
  }
  if (ep.node == kNoNode) {
    graph.SetEntry({node, level});
    return;
  }
  Candidate cur{space.Score(ep.node), ep.node};
  cur = GreedyDescend(graph, space, cur, ep.level, level);
  for (int l = std::min(level, ep.level); l >= 0; --l) {
    BeamSearch(graph, space, l, cur, state.config.ef_construct, AnyNode{}, s);
    s.pool.clear();
    for (const Candidate& c : s.results) {
      if (c.node != node) s.pool.push_back(c);
    }
    if (s.pool.empty()) continue;
    std::sort(s.pool.begin(), s.pool.end(), CloserFirst);
    SelectNeighbours(space, s.pool, graph.m(), s.selected);
    Connect(state, space, node, l, s);
    cur = s.pool.front();
  }
  if (top_lock.owns_lock()) graph.SetEntry({node, level});
}

// Rows of the training sample: up to kTrainSampleRows, evenly spaced over
// [0, end) so that a collection's early rows do not decide alone. Read in
// place, a block of dimensions at a time (training_columns.h).
TrainingRows TrainingSample(const HnswState& state, size_t end) {
  const size_t sample_rows = std::min(end, kTrainSampleRows);
  return TrainingRows{sample_rows, state.dims, [&state, end, sample_rows](size_t i) {
                        return state.Vector(static_cast<uint32_t>(i * end / sample_rows));
                      }};
}

// Trains the quantizer of state.config.quantization if it is not trained.
// Returns false while there are too few rows to train on.
Result<bool> EnsureTrained(HnswState& state, size_t end) {
  const Quantization q = state.config.quantization;
  if (state.scalar.has_value() || state.binary.has_value()) return true;
  if (end < kMinTrainRows) return false;  // walk with float32 until there is enough
  const TrainingRows sample = TrainingSample(state, end);
  if (q == Quantization::kInt8) {
    auto trained = ScalarQuantizer::TrainOnRows(sample, state.config.quantile);
    if (!trained.ok()) return trained.status().WithContext("training the int8 quantizer");
    state.scalar = std::move(trained).value();
  } else {
    auto trained = BinaryQuantizer::TrainOnRows(sample);
    if (!trained.ok()) return trained.status().WithContext("training the binary quantizer");
    state.binary = std::move(trained).value();
  }
  return true;
}

template <class Space, class MakeSpace>
void LinkAll(HnswState& state, uint32_t first, uint32_t end, size_t threads,
             const std::atomic<bool>* cancel, const MakeSpace& make_space) {
  std::atomic<uint32_t> next{first};
  RunWorkers(WorkerCount(threads, end - first, 64), [&](size_t) {
    auto scratch = state.scratch.Acquire();
    for (uint32_t r = next.fetch_add(1); r < end; r = next.fetch_add(1)) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return;
      const Space space = make_space(r);
      InsertNode(state, space, r, *scratch);
    }
  });
}

}  // namespace

int DrawLevel(uint64_t seed, uint32_t row, uint32_t m) {
  const uint64_t h = SplitMix64(seed ^ SplitMix64(row));
  const double u = (static_cast<double>(h >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
  const double level = -std::log(u) / std::log(static_cast<double>(m));
  return static_cast<int>(std::min(level, static_cast<double>(kMaxGraphLevel)));
}

Status TrainAndEncode(HnswState& state, size_t first, size_t end, size_t threads) {
  const bool was_trained = state.scalar.has_value() || state.binary.has_value();
  QUARRY_ASSIGN_OR_RETURN(const bool trained, EnsureTrained(state, end));
  if (!trained) return Status::Ok();
  if (!was_trained) first = 0;  // rows added before training have no codes yet
  const uint32_t dims = state.dims;
  ForRowRanges(threads, first, end, [&](size_t begin, size_t stop) {
    for (size_t r = begin; r < stop; ++r) {
      const auto row = static_cast<uint32_t>(r);
      if (state.scalar.has_value()) {
        EncodeInt8Row(*state.scalar, state.Int8Target(), {state.Vector(row), dims},
                      state.codes.MutableRow(row));
      } else {
        EncodeBinaryRow(*state.binary, {state.Vector(row), dims}, state.codes.MutableRow(row));
      }
    }
  });
  state.codes_ready.store(true, std::memory_order_release);
  return Status::Ok();
}

Status InsertRows(HnswState& state, uint32_t first, std::span<const float> vectors,
                  size_t threads) {
  const uint32_t dims = state.dims;
  const size_t n = vectors.size() / dims;
  QUARRY_CHECK(n > 0 && n * dims == vectors.size(), "HnswIndex validates batch shapes");
  const auto end = static_cast<uint32_t>(first + n);

  QUARRY_RETURN_IF_ERROR(state.vectors.Reserve(end));
  if (state.quantized()) QUARRY_RETURN_IF_ERROR(state.codes.Reserve(end));
  QUARRY_RETURN_IF_ERROR(state.graph.Reserve(end));

  const bool cosine = state.config.distance == DistanceKind::kCosine;
  ForRowRanges(threads, first, end, [&](size_t begin, size_t stop) {
    for (size_t r = begin; r < stop; ++r) {
      auto* out = reinterpret_cast<float*>(state.vectors.MutableRow(r));
      std::memcpy(out, vectors.data() + (r - first) * dims, dims * sizeof(float));
      if (cosine) NormalizeL2({out, dims});
    }
  });
  return LinkStoredRows(state, first, end, threads);
}

Status LinkStoredRows(HnswState& state, uint32_t first, uint32_t end, size_t threads,
                      const std::atomic<bool>* cancel) {
  const uint32_t dims = state.dims;
  if (state.quantized()) QUARRY_RETURN_IF_ERROR(TrainAndEncode(state, first, end, threads));

  for (uint32_t r = first; r < end; ++r) {
    state.graph.InitNode(r, DrawLevel(state.config.seed, r, state.config.m));
  }
  // The graph is built with full-precision vectors whatever the
  // quantization: the best graph for the same build budget, and what
  // hnswlib does (docs/design/hnsw.md).
  const size_t stride_lines = PrefetchLinesFor(state.vectors.stride());
  LinkAll<F32Space>(state, first, end, threads, cancel, [&](uint32_t r) {
    return F32Space{&state.vectors, state.kernels, state.Vector(r), dims, state.l2(), stride_lines};
  });
  // Rows left unlinked: the state must not be published or saved.
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
    return Status::Unavailable("hnsw: build cancelled");
  }
  state.rows.store(end, std::memory_order_release);
  return Status::Ok();
}

void CopyGraph(HnswState& state, const HnswGraph& from, uint32_t nodes) {
  QUARRY_CHECK(state.rows.load(std::memory_order_relaxed) == 0 && from.m() == state.graph.m(),
               "CopyGraph: into a fresh graph of the same m");
  // Whole lists, words past the count too, so that the graph is the one an
  // AddBatch to `from` would have grown (those words are never read).
  // Meanwhile searches read `from`'s lists and nothing writes them; a delete
  // may set a node's tombstone bit, which Level() masks (the copy holds no
  // tombstone: the caller marks such rows deleted afterwards).
  for (uint32_t node = 0; node < nodes; ++node) {
    const int level = from.Level(node);
    state.graph.InitNode(node, level);
    for (int l = 0; l <= level; ++l) {
      std::memcpy(state.graph.MutableLinks(node, l), from.Links(node, l),
                  (1 + size_t{from.Capacity(l)}) * sizeof(uint32_t));
    }
  }
  state.graph.SetEntry(from.entry());
}

Status StoreRowsUnlinked(HnswState& state, uint32_t first, uint32_t end, size_t threads) {
  QUARRY_CHECK(state.rows.load(std::memory_order_relaxed) == 0 || state.unlinked(),
               "StoreRowsUnlinked: the graph is already linked");
  if (state.quantized()) QUARRY_RETURN_IF_ERROR(TrainAndEncode(state, first, end, threads));
  for (uint32_t r = first; r < end; ++r) state.graph.InitNode(r, 0);
  state.rows.store(end, std::memory_order_release);
  return Status::Ok();
}

}  // namespace quarry::vector
