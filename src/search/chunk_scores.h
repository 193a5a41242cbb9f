// Chunk scores (docs/design/chunk-scores.md): two numbers in [0, 1] that
// describe a chunk's text against the collection's keyword statistics,
// without any NLP model.
//
//   nidf(t)    = idf(df_t) / idf(0), with BM25's idf(df) =
//                ln(1 + (N - df + 0.5) / (df + 0.5)) (lexical/bm25_scorer.h)
//                and N the collection's keyword document (chunk) count:
//                the term's IDF as a fraction of a term found nowhere.
//   importance = the mean of nidf over the chunk's analyzed term
//                occurrences (stopwords are already gone); 0 without terms.
//   semantic_density = the mean pairwise cosine between the sentences'
//                TF-IDF vectors (v_s[t] = tf_s(t) * nidf(t)), over the
//                sentences that have terms; 1 with one such sentence, 0 with
//                none. Computed in O(terms) as (|sum u_s|^2 - m) / (m(m-1))
//                over the m unit vectors u_s.
// Both are reported rounded to 9 decimals (see ScoreChunk).
//
// Thread-safety: ScoreChunk and NormalizedIdf are pure; AnalyzeChunk uses
// the analyzer and splitter passed in, which belong to the caller alone.
#ifndef QUARRY_SEARCH_CHUNK_SCORES_H_
#define QUARRY_SEARCH_CHUNK_SCORES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "text/analyzer.h"
#include "text/sentence_splitter.h"

namespace quarry::search {

struct ChunkScores {
  double importance = 0;
  double semantic_density = 0;
};

// The analyzed terms of each sentence of a chunk, in order (a sentence
// without terms keeps its empty list).
struct AnalyzedChunk {
  std::vector<std::vector<std::string>> sentences;
};

// nidf above, in [0, 1]; df is clamped to doc_count.
double NormalizedIdf(uint64_t doc_freq, uint64_t doc_count);

// Splits `text` into sentences and analyzes each with the collection's
// keyword analyzer (so terms are those the keyword index holds).
AnalyzedChunk AnalyzeChunk(std::string_view text, text::Analyzer& analyzer,
                           text::SentenceSplitter& splitter);

// The scores of `chunk`; `nidf` gives each term's normalized IDF (values
// outside [0, 1] are clamped).
ChunkScores ScoreChunk(const AnalyzedChunk& chunk,
                       const std::function<double(std::string_view)>& nidf);

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_CHUNK_SCORES_H_
