// The documents and queries of the storage benchmark: short documents (one
// chunk each but for a few in 100,000 whose long sentences pass the chunk
// size) made of a real corpus's sentences, and that corpus's queries.
//
// Document i is a real title and 1 to 3 real sentences drawn by a hash of
// (seed, i), so any document can be made again without storing the corpus:
// a million documents need no RAM beyond the sentences. The lexical
// embedder turns them into 384-dimensional vectors on ingest, so the vectors
// are those of real words (docs/benchmarks.md says so next to the figures).
//
// Thread-safety: immutable after Load(); Document() may be called from any
// thread.
#ifndef QUARRY_BENCH_STORAGE_CORPUS_H_
#define QUARRY_BENCH_STORAGE_CORPUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/document.h"
#include "quarry/status.h"

namespace quarry::bench {

class ShortDocuments {
 public:
  // Reads <beir_dir>/corpus.jsonl and <beir_dir>/queries.jsonl (BEIR layout).
  // NotFound, naming the file, when the dataset is missing.
  static Result<ShortDocuments> Load(const std::string& beir_dir, uint64_t seed);

  // The document numbered `i` (id "d<i>"), the same for the same seed.
  DocumentInput Document(uint64_t i) const;
  // Bytes a document carries into Upsert (id, title and text).
  static size_t InputBytes(const DocumentInput& d) {
    return d.id.size() + d.title.size() + d.text.size();
  }
  const std::vector<std::string>& queries() const { return queries_; }
  size_t sentence_count() const { return sentences_.size(); }

 private:
  ShortDocuments() = default;

  uint64_t seed_ = 0;
  std::vector<std::string> titles_;
  std::vector<std::string> sentences_;
  std::vector<std::string> queries_;
};

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_STORAGE_CORPUS_H_
