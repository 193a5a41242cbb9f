// CollectionStats: the collection-wide numbers BM25 needs besides a segment's
// own postings. A collection is several segments; scores are comparable
// across them only if all use the same N, average lengths and document
// frequencies, so the caller sums these over its segments and passes them to
// every segment's search (bm25_searcher.h). For one index alone, use
// Bm25Index::LocalStats() and Bm25Index::DocFreq().
//
// Thread-safety: plain values.
#ifndef QUARRY_LEXICAL_COLLECTION_STATS_H_
#define QUARRY_LEXICAL_COLLECTION_STATS_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "lexical/field.h"

namespace quarry::lexical {

struct CollectionStats {
  uint64_t doc_count = 0;                           // live documents, all segments
  std::array<uint64_t, kNumFields> total_length{};  // sum of field lengths (in terms)

  CollectionStats& operator+=(const CollectionStats& o) {
    doc_count += o.doc_count;
    for (size_t f = 0; f < kNumFields; ++f) total_length[f] += o.total_length[f];
    return *this;
  }
};

// One distinct term of a query with its collection-wide document frequency.
struct QueryTerm {
  std::string_view term;  // analyzed (text/analyzer.h); the caller keeps the bytes alive
  uint32_t count = 1;     // occurrences in the query; scores scale with it, as in Lucene
  uint64_t doc_freq = 0;  // documents containing it, all segments
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_COLLECTION_STATS_H_
