// The two HNSW graph walks, shared by inserts and searches:
//   GreedyDescend  on upper levels, move to the best neighbour until none is
//                  better (ef = 1);
//   BeamSearch     on one level, best-first expansion keeping the `ef` best
//                  eligible nodes found (Malkov & Yashunin, algorithm 2).
// Templates over the space (how rows are scored) and the eligibility policy
// (which nodes may be returned), so the hot loop is compiled once per
// combination with everything inlined but the distance kernel.
//
// Ineligible nodes (tombstoned, or outside a filter) still route: they enter
// the candidate queue but never the results. Until `ef` eligible nodes are
// found the walk does not stop, so a restrictive filter widens the search by
// itself, about ef / selectivity expansions (hnswlib's filtered search does
// the same); very restrictive filters never get here (exact scan instead).
//
// Thread-safety: reads the graph with the atomic loads of hnsw_graph.h and
// may run while the writer's workers insert; the scratch is the caller's.
#ifndef QUARRY_VECTOR_HNSW_TRAVERSAL_H_
#define QUARRY_VECTOR_HNSW_TRAVERSAL_H_

#include <algorithm>
#include <limits>

#include "vector/hnsw_graph.h"
#include "vector/hnsw_space.h"
#include "vector/row_filter.h"
#include "vector/search_scratch.h"

namespace quarry::vector {

// Eligibility policies.
struct AnyNode {
  static constexpr bool kAll = true;
  bool operator()(uint32_t) const { return true; }
};
struct LiveNode {
  static constexpr bool kAll = false;
  const HnswGraph* graph;
  bool operator()(uint32_t node) const { return !graph->IsDeleted(node); }
};
struct AllowedNode {
  static constexpr bool kAll = false;
  const HnswGraph* graph;
  const RowFilter* filter;
  bool operator()(uint32_t node) const { return filter->Contains(node) && !graph->IsDeleted(node); }
};

inline bool CloserFirst(const Candidate& a, const Candidate& b) {
  return a.score != b.score ? a.score > b.score : a.node < b.node;
}

// Greedy walk on levels top..stop+1, starting from `cur` (scored).
// REQUIRES: Level(cur.node) >= top.
template <class Space>
Candidate GreedyDescend(const HnswGraph& graph, const Space& space, Candidate cur, int top,
                        int stop) {
  for (int level = top; level > stop; --level) {
    const uint32_t cap = graph.Capacity(level);
    bool moved = true;
    while (moved) {
      moved = false;
      const uint32_t* list = graph.Links(cur.node, level);
      const uint32_t n = std::min(LoadLinkWord(list), cap);
      for (uint32_t i = 0; i < n; ++i) {
        const uint32_t id = LoadLinkWord(list + 1 + i);
        const float score = space.Score(id);
        if (score > cur.score) {
          cur = {score, id};
          moved = true;
        }
      }
    }
  }
  return cur;
}

// Best-first search on `level` from `entry` (scored). Leaves up to `ef`
// eligible nodes in scratch.results as a min-heap (unordered for callers:
// sort it). REQUIRES: ef >= 1, Level(entry.node) >= level.
template <class Space, class Eligible>
void BeamSearch(const HnswGraph& graph, const Space& space, int level, Candidate entry, size_t ef,
                const Eligible& eligible, SearchScratch& s) {
  constexpr auto kFartherOnTop = [](const Candidate& a, const Candidate& b) {
    return a.score > b.score;
  };
  constexpr auto kCloserOnTop = [](const Candidate& a, const Candidate& b) {
    return a.score < b.score;
  };
  const uint32_t cap = graph.Capacity(level);
  const size_t list_lines = (size_t{cap} * 4 + 4 + 63) / 64;
  s.visited.Reset(graph.capacity());
  s.candidates.clear();
  s.results.clear();
  if (s.ids.size() < cap) s.ids.resize(cap);
  auto& cands = s.candidates;
  auto& results = s.results;

  s.visited.Insert(entry.node);
  cands.push_back(entry);
  if (eligible(entry.node)) results.push_back(entry);
  // Without a filter the bound is the worst kept node from the start
  // (hnswlib); with one, nothing bounds the walk until ef nodes are kept.
  float bound = Eligible::kAll ? entry.score : -std::numeric_limits<float>::infinity();

  while (!cands.empty()) {
    const Candidate c = cands.front();
    if (c.score < bound) break;
    std::pop_heap(cands.begin(), cands.end(), kCloserOnTop);
    cands.pop_back();
    // The next node to expand is probably the next best candidate: fetch its
    // list while this one's neighbours are scored (hnswlib does the same).
    if (!cands.empty()) PrefetchLines(graph.Links(cands.front().node, level), list_lines);

    const uint32_t* list = graph.Links(c.node, level);
    const uint32_t n = std::min(LoadLinkWord(list), cap);
    uint32_t fresh = 0;
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t id = LoadLinkWord(list + 1 + i);
      if (s.visited.Insert(id)) {
        s.ids[fresh++] = id;
        space.PrefetchHead(id);
      }
    }
    for (uint32_t j = 0; j < fresh; ++j) {
      const uint32_t id = s.ids[j];
      if (j + 2 < fresh) space.Prefetch(s.ids[j + 2]);
      const float score = space.Score(id);
      if (results.size() >= ef && score <= bound) continue;
      cands.push_back({score, id});
      std::push_heap(cands.begin(), cands.end(), kCloserOnTop);
      if (!eligible(id)) continue;
      results.push_back({score, id});
      std::push_heap(results.begin(), results.end(), kFartherOnTop);
      if (results.size() > ef) {
        std::pop_heap(results.begin(), results.end(), kFartherOnTop);
        results.pop_back();
      }
      if (Eligible::kAll || results.size() >= ef) bound = results.front().score;
    }
  }
}

}  // namespace quarry::vector

#endif  // QUARRY_VECTOR_HNSW_TRAVERSAL_H_
