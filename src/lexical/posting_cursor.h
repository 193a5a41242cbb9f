// PostingCursor: walks one term's postings in doc order, decoding a block at
// a time and skipping whole blocks by their last doc id without decoding
// them. A separate "shallow" position finds the block that would hold a doc
// (for its block-max bound) without decoding anything.
//
// Thread-safety: NOT thread-safe; one per query term per searching thread.
#ifndef QUARRY_LEXICAL_POSTING_CURSOR_H_
#define QUARRY_LEXICAL_POSTING_CURSOR_H_

#include <array>
#include <cstdint>

#include "lexical/bm25_index.h"
#include "lexical/posting_block.h"

namespace quarry::lexical {

class PostingCursor {
 public:
  static constexpr uint32_t kEnd = UINT32_MAX;  // doc() past the last posting

  // Positions the cursor on the term's first posting.
  // REQUIRES: `term` comes from this index (Find or TermInfoAt) and
  // index->VerifyTerm(term) returned Ok; index outlives the cursor's use.
  void Reset(const Bm25Index* index, const TermInfo& term);

  uint32_t doc() const { return doc_; }
  // The tf per field of the current posting. REQUIRES: doc() != kEnd.
  std::array<uint32_t, kNumFields> tf() const {
    std::array<uint32_t, kNumFields> out;
    for (size_t f = 0; f < kNumFields; ++f) out[f] = decoded_.tf[f][pos_];
    return out;
  }
  // The term's current block, relative to its first (0 .. block_count - 1).
  uint32_t block() const { return block_; }
  uint32_t block_count() const { return term_.block_count; }
  const TermInfo& term() const { return term_; }

  // Moves to the next posting (or kEnd).
  void Next() {
    if (++pos_ < decoded_.count) {
      doc_ = decoded_.docs[pos_];
    } else {
      LoadBlock(block_ + 1);
    }
  }
  // Moves to the first posting with doc >= target (or kEnd); never backwards.
  void NextGeq(uint32_t target);
  // The relative index of the block that would hold `target` (the first
  // whose last doc >= target), or block_count() if none. Decodes nothing.
  // REQUIRES: targets never decrease between calls.
  uint32_t ShallowBlock(uint32_t target);

 private:
  void LoadBlock(uint32_t block);  // decodes `block`, or sets kEnd past the last

  const Bm25Index* index_ = nullptr;
  TermInfo term_;
  uint32_t block_ = 0;
  uint32_t shallow_ = 0;
  uint32_t pos_ = 0;
  uint32_t doc_ = kEnd;
  DecodedBlock decoded_;
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_POSTING_CURSOR_H_
