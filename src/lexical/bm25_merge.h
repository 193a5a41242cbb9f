// MergeBm25Indexes: the keyword postings of a merged segment, made from its
// inputs' postings rather than from its documents, the way Lucene merges
// segments: terms are merged in byte order across the inputs, and each
// term's postings are concatenated with their doc ids renumbered, deleted
// documents dropped. No document is analyzed again, and memory holds the
// tables (a term entry and its block entries per term, a length pair per
// document) and one term's postings at a time, never the postings section:
// what a merge needs no longer grows with the postings of what it merges.
// The bytes written are exactly those Bm25IndexBuilder::Serialize gives for
// the kept documents added in their new order.
//
// Thread-safety: the inputs are immutable (Bm25Index); one call per output.
#ifndef QUARRY_LEXICAL_BM25_MERGE_H_
#define QUARRY_LEXICAL_BM25_MERGE_H_

#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/env.h"
#include "lexical/bm25_index.h"
#include "quarry/status.h"

namespace quarry::lexical {

inline constexpr uint32_t kDroppedDoc = UINT32_MAX;

struct MergeInput {
  const Bm25Index* index = nullptr;
  // By the input's doc id (index->doc_count() entries): the document's id in
  // the merged index, or kDroppedDoc. The merged index lists the inputs'
  // kept documents in order: kept ids increase within an input and from one
  // input to the next.
  std::span<const uint32_t> new_doc;
  // Names the input in errors (its file); empty: "merge input <i>".
  std::string_view name;
};

// Writes the merged index of `inputs`, whose kept documents are numbered
// 0 .. doc_count - 1, to `out`, which must be empty (the header is written
// last, with WriteAt). The caller syncs and closes `out`. InvalidArgument
// when the numbering is not as described (nothing is written then);
// ResourceExhausted past 2^32 - 1 postings; Unavailable when `cancel` is set
// (checked between terms); a write error as is.
Status MergeBm25Indexes(std::span<const MergeInput> inputs, uint32_t doc_count, WritableFile& out,
                        const std::atomic<bool>* cancel = nullptr);

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_BM25_MERGE_H_
