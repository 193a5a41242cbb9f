// QuarryBm25: Quarry's keyword search as the benchmark drives it: the
// text/ analyzer, a lexical/ index built from a BEIR corpus (title and body
// fields), and one searcher on the calling thread.
//
// Thread-safety: NOT thread-safe; one thread.
#ifndef QUARRY_BENCH_RELEVANCE_QUARRY_BM25_H_
#define QUARRY_BENCH_RELEVANCE_QUARRY_BM25_H_

#include <optional>
#include <string>
#include <vector>

#include "lexical/bm25_index.h"
#include "lexical/bm25_searcher.h"
#include "quarry/status.h"
#include "search/beir_dataset.h"
#include "text/analyzer.h"

namespace quarry::bench {

class QuarryBm25 {
 public:
  // Analyzes and indexes `corpus`.
  static Result<QuarryBm25> Build(const std::vector<search::BeirDocument>& corpus,
                                  const text::AnalyzerOptions& analyzer);

  // The ids of the top `k` documents for `query`, best first, using the
  // whole pipeline a query takes (analysis, statistics, top-k).
  Status Search(const std::string& query, const lexical::Bm25SearchOptions& options,
                std::vector<std::string>* ranking);

  double index_seconds() const { return index_seconds_; }
  size_t index_bytes() const { return index_bytes_; }
  const lexical::Bm25Index& index() const { return *index_; }

 private:
  QuarryBm25(text::Analyzer analyzer) : analyzer_(std::move(analyzer)) {}

  text::Analyzer analyzer_;
  std::optional<lexical::Bm25Index> index_;
  std::vector<std::string> doc_ids_;
  lexical::Bm25Searcher searcher_;
  double index_seconds_ = 0;
  size_t index_bytes_ = 0;
  // Per-query scratch.
  std::vector<std::string> terms_;
  std::vector<lexical::ScoredDoc> hits_;
};

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_RELEVANCE_QUARRY_BM25_H_
