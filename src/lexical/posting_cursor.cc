#include "lexical/posting_cursor.h"

#include "base/check.h"

namespace quarry::lexical {

void PostingCursor::Reset(const Bm25Index* index, const TermInfo& term) {
  QUARRY_CHECK(index->IsVerified(term), "callers VerifyTerm before reading a term's blocks");
  index_ = index;
  term_ = term;
  shallow_ = 0;
  LoadBlock(0);
}

void PostingCursor::LoadBlock(uint32_t block) {
  block_ = block;
  pos_ = 0;
  if (block >= term_.block_count) {
    doc_ = kEnd;
    decoded_.count = 0;
    return;
  }
  const uint64_t b = term_.first_block + block;
  const bool ok = DecodeBlock(index_->BlockBytes(b), index_->Block(b).count,
                              index_->BlockBase(term_, b), &decoded_);
  QUARRY_CHECK(ok, "Bm25Index::VerifyTerm decoded every block once; the bytes cannot have changed");
  doc_ = decoded_.docs[0];
}

void PostingCursor::NextGeq(uint32_t target) {
  if (doc_ >= target) return;
  uint32_t b = block_;
  while (b < term_.block_count && index_->BlockLastDoc(term_.first_block + b) < target) ++b;
  if (b != block_) {
    LoadBlock(b);
    if (doc_ == kEnd) return;
  }
  while (decoded_.docs[pos_] < target) ++pos_;  // the block's last doc is >= target
  doc_ = decoded_.docs[pos_];
}

uint32_t PostingCursor::ShallowBlock(uint32_t target) {
  while (shallow_ < term_.block_count &&
         index_->BlockLastDoc(term_.first_block + shallow_) < target) {
    ++shallow_;
  }
  return shallow_;
}

}  // namespace quarry::lexical
