// Bm25IndexBuilder: the in-memory, appendable side of keyword indexing. It
// takes analyzed documents (text/analyzer.h) one at a time, numbering them
// 0, 1, 2, ..., and serializes to the immutable format Bm25Index reads
// (docs/format/bm25-postings.md) as often as asked: a mutable segment can
// publish snapshots while it keeps growing.
//
// Positions are not stored: BM25 needs only frequencies and lengths.
//
// Thread-safety: NOT thread-safe; one writer. Serialize() is const and may
// run concurrently with other const calls only.
#ifndef QUARRY_LEXICAL_BM25_BUILDER_H_
#define QUARRY_LEXICAL_BM25_BUILDER_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "lexical/bm25_index.h"
#include "lexical/field.h"
#include "lexical/posting_block.h"
#include "quarry/status.h"

namespace quarry::lexical {

class Bm25IndexBuilder {
 public:
  static constexpr size_t kMaxTermBytes = 1024;
  static constexpr uint32_t kMaxDocs = UINT32_MAX - 1;

  // Appends a document whose fields hold these analyzed terms (in any order;
  // repeats count) and returns its doc id. InvalidArgument for an empty term
  // or one over kMaxTermBytes, ResourceExhausted past kMaxDocs documents or
  // 2^32 - 1 postings; a refused document leaves the builder unchanged.
  Result<uint32_t> AddDocument(std::span<const std::string> title_terms,
                               std::span<const std::string> body_terms);

  uint32_t doc_count() const { return static_cast<uint32_t>(lengths_.size()); }
  size_t term_count() const { return postings_.size(); }

  // The serialized index of every document added so far.
  std::vector<uint8_t> Serialize() const;
  // Bm25Index::Adopt(Serialize()).
  Result<Bm25Index> Build() const;

 private:
  std::unordered_map<std::string, uint32_t> term_ids_;
  std::vector<std::string_view> terms_;                    // by term id; views of term_ids_' keys
  std::vector<std::vector<Posting>> postings_;             // by term id, in doc order
  std::vector<std::array<uint32_t, kNumFields>> lengths_;  // by doc id
  uint64_t total_postings_ = 0;
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_BM25_BUILDER_H_
