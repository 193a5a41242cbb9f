// Bm25Searcher: top-k BM25 search over one Bm25Index (one segment), with
// scores computed from collection-wide statistics that the caller passes in,
// so results from several segments can be merged by score.
//
// Two algorithms answer every query with IDENTICAL results (same docs, same
// order, bit-identical scores, summed in fixed point as top_k.h explains;
// ties go to the lower doc id):
//   kMaxScore    windowed block-max MaxScore (docs/design/bm25.md): only the
//                "essential" terms' postings are scored, window by window of
//                doc ids, and documents whose bound cannot enter the top k are
//                dropped before the other terms are looked up. The default.
//   kExhaustive  scores every posting of every query term: the reference the
//                tests compare kMaxScore against.
//
// Typical use for one segment:
//   std::vector<QueryTerm> q = CountQueryTerms(analyzed_query_terms);
//   AddDocFreqs(index, q);   // once per segment, to sum dfs across segments
//   searcher.Search(index, q, index.LocalStats(), options, &hits);
//
// Thread-safety: NOT thread-safe (it reuses per-query scratch); one searcher
// per thread. The index may be shared by any number of searchers.
#ifndef QUARRY_LEXICAL_BM25_SEARCHER_H_
#define QUARRY_LEXICAL_BM25_SEARCHER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lexical/bm25_index.h"
#include "lexical/bm25_params.h"
#include "lexical/collection_stats.h"
#include "lexical/deleted_docs.h"
#include "lexical/top_k.h"
#include "quarry/status.h"

namespace quarry::lexical {

enum class TopKAlgorithm { kMaxScore, kExhaustive };

struct Bm25SearchOptions {
  uint32_t k = 10;
  Bm25Params params;
  DeletedDocs deleted;  // excluded docs of this segment (tombstones)
  TopKAlgorithm algorithm = TopKAlgorithm::kMaxScore;
};

// The distinct terms of an analyzed query with their counts, in first-seen
// order, doc_freq 0. The views point into `analyzed`.
std::vector<QueryTerm> CountQueryTerms(std::span<const std::string> analyzed);

// Adds each term's document frequency in `index` to its doc_freq.
void AddDocFreqs(const Bm25Index& index, std::span<QueryTerm> terms);

class Bm25Searcher {
 public:
  static constexpr size_t kMaxQueryTerms = 1024;         // distinct terms; Lucene's maxClauseCount
  static constexpr uint64_t kMaxQueryWords = 1'000'000;  // sum of the terms' counts
  static constexpr uint32_t kMaxK = 100'000;

  Bm25Searcher();
  ~Bm25Searcher();
  Bm25Searcher(Bm25Searcher&&) noexcept;
  Bm25Searcher& operator=(Bm25Searcher&&) noexcept;

  // Clears *hits and fills it with the (up to) k best live documents that
  // contain at least one query term with a positive weight, best first.
  // Duplicate terms are merged (counts add up). An empty query, or one whose
  // terms occur nowhere, gives no hits and OK.
  // InvalidArgument: k outside [1, kMaxK]; more than kMaxQueryTerms distinct
  // terms or kMaxQueryWords words (counts summed); bad params; stats that contradict the index (a
  // term's doc_freq below its count in this segment, or above stats.doc_count).
  Status Search(const Bm25Index& index, std::span<const QueryTerm> terms,
                const CollectionStats& stats, const Bm25SearchOptions& options,
                std::vector<ScoredDoc>* hits);

 private:
  struct Scratch;
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_BM25_SEARCHER_H_
