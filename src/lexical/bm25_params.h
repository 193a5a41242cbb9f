// Bm25Params: the query-time knobs of BM25 scoring. Nothing here is baked into
// the index, so the same postings answer any k1, b and field weights (which is
// also what lets the benchmark tune them without reindexing).
//
// Scoring is BM25F in the simple form of Lucene's CombinedFieldQuery
// (docs/design/bm25.md): per document, a weighted term frequency
//   tf~ = sum_f w_f * tf_f  and a weighted length  dl~ = sum_f w_f * len_f,
// then one BM25 saturation:
//   score(t, d) = qtf_t * idf_t * tf~ / (tf~ + k1 * (1 - b + b * dl~ / avgdl~)),
//   idf_t = ln(1 + (N - df_t + 0.5) / (df_t + 0.5)),
// with N, df and avgdl~ from the caller's collection-wide statistics. With
// both weights 1 this is BM25 over title and body concatenated (Anserini's
// "flat" BEIR index).
//
// Thread-safety: plain value.
#ifndef QUARRY_LEXICAL_BM25_PARAMS_H_
#define QUARRY_LEXICAL_BM25_PARAMS_H_

#include <array>

#include "lexical/field.h"
#include "quarry/status.h"

namespace quarry::lexical {

struct Bm25Params {
  // Lucene's and Anserini's defaults. Tuning on SciFact's training queries
  // favours k1 1.5, b 0.8, title weight 3 (+0.01 nDCG@10), a property of that
  // collection's short, precise titles, so the general defaults stay these
  // (docs/design/bm25.md).
  double k1 = 0.9;
  double b = 0.4;
  std::array<double, kNumFields> field_weights = {1.0, 1.0};  // title, body

  // InvalidArgument unless k1 is finite and >= 0, b is in [0, 1], and the
  // weights are finite, >= 0 and not all 0.
  Status Validate() const;
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_BM25_PARAMS_H_
