// SyntheticCorpus: a larger corpus made of a real one's sentences, for
// measuring how keyword search scales past the size of the BEIR dataset
// (SciFact has 5,183 documents; top-k pruning only pays off well beyond
// that). Each new document takes a real title and a body of 4 to 12 real
// sentences drawn at random, so term frequencies and co-occurrences stay
// those of real text. There are no judgments for it: speed only.
//
// Thread-safety: pure function.
#ifndef QUARRY_BENCH_RELEVANCE_SYNTHETIC_CORPUS_H_
#define QUARRY_BENCH_RELEVANCE_SYNTHETIC_CORPUS_H_

#include <cstdint>
#include <vector>

#include "search/beir_dataset.h"

namespace quarry::bench {

std::vector<search::BeirDocument> SyntheticCorpus(const std::vector<search::BeirDocument>& real,
                                                  size_t documents, uint64_t seed);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_RELEVANCE_SYNTHETIC_CORPUS_H_
