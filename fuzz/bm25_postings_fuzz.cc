// Fuzzes the keyword postings reader (a segment's postings.bm25, which a
// restored snapshot can bring from anywhere). The input gets valid checksums
// first, or almost every input would stop at them: what is fuzzed is the
// validation behind them. Any bytes must be refused (at open or on a term's
// first use) or searched without reading out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "lexical/bm25_index.h"
#include "lexical/bm25_searcher.h"
#include "lexical/testing/bm25_reseal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace quarry::lexical;  // NOLINT: a fuzz target of this module
  std::vector<uint8_t> bytes(data, data + size);
  ResealBm25Checksums(&bytes);
  auto index = Bm25Index::Open(bytes);
  if (!index.ok()) return 0;
  // Every term is verified, then a search over the first and last few
  // terms (the verified ones answer, the others are refused).
  std::vector<std::string> query;
  const uint32_t terms = index->term_count();
  for (uint32_t t = 0; t < terms && t < 4096; ++t) {
    const quarry::Status verified = index->VerifyTerm(index->TermInfoAt(t));
    if (!verified.ok() && verified.code() != quarry::StatusCode::kCorruption) std::abort();
    if (t < 4 || t + 4 >= terms) query.emplace_back(index->TermAt(t));
  }
  std::vector<QueryTerm> q = CountQueryTerms(query);
  AddDocFreqs(*index, q);
  std::vector<ScoredDoc> hits;
  const quarry::Status searched = Bm25Searcher().Search(*index, q, index->LocalStats(), {}, &hits);
  if (!searched.ok() && searched.code() != quarry::StatusCode::kCorruption &&
      searched.code() != quarry::StatusCode::kInvalidArgument) {
    std::abort();
  }
  return 0;
}
