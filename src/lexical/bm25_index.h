// Bm25Index: the immutable, serialized form of a segment's keyword postings
// (format: docs/format/bm25-postings.md; constants: bm25_format.h). It reads
// the bytes in place, so they can be a memory-mapped segment file. Open
// verifies the header and the tables (checksum, then every entry); a term's
// block entries and postings are verified on its first use (VerifyTerm: its
// own checksum, then every block decoded once), so that an open reads the
// tables only and a search can trust what it reads: corrupt or hostile bytes
// are refused with kCorruption, never read out of bounds. Version 1 files,
// which have no per-term checksums, are verified completely at open.
//
// Doc ids are dense, 0 .. doc_count() - 1, local to the segment.
//
// Thread-safety: immutable after Open but for the record of verified terms
// (atomic); any number of threads may search it.
#ifndef QUARRY_LEXICAL_BM25_INDEX_H_
#define QUARRY_LEXICAL_BM25_INDEX_H_

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "lexical/bm25_format.h"
#include "lexical/collection_stats.h"
#include "lexical/field.h"
#include "quarry/status.h"

namespace quarry::lexical {

// Where a term's postings are.
struct TermInfo {
  uint32_t ordinal = 0;      // its position in the term table (byte order)
  uint32_t doc_freq = 0;     // documents in this segment that contain the term
  uint64_t first_block = 0;  // index of its first block
  uint32_t block_count = 0;  // ceil(doc_freq / kBlockSize) consecutive blocks
};

// One block's entry in the block table.
struct BlockInfo {
  uint32_t last_doc = 0;                       // the block's largest doc id
  uint32_t count = 0;                          // postings in it, 1 .. kBlockSize
  std::array<uint32_t, kNumFields> max_tf{};   // block-max impact data: largest tf per field
  std::array<uint32_t, kNumFields> min_len{};  // and smallest field length, over its docs
};

class Bm25Index {
 public:
  // Verifies `bytes` and reads them in place.
  // REQUIRES: the bytes outlive the index and do not change.
  static Result<Bm25Index> Open(std::span<const uint8_t> bytes);
  // As Open, owning the bytes.
  static Result<Bm25Index> Adopt(std::vector<uint8_t> bytes);

  Bm25Index(Bm25Index&&) noexcept = default;
  Bm25Index& operator=(Bm25Index&&) noexcept = default;

  uint32_t doc_count() const { return doc_count_; }
  uint32_t term_count() const { return term_count_; }
  uint64_t block_count() const { return block_count_; }
  // doc_count() and the total field lengths of this segment alone.
  CollectionStats LocalStats() const;

  // The postings of `term`, or nullopt when no document here contains it.
  // Its doc_freq may be used at once; its blocks only after VerifyTerm.
  std::optional<TermInfo> Find(std::string_view term) const;
  // Verifies the term's block entries and postings the first time it is
  // called for the term (checksum, then each block decoded and checked
  // against its entry); later calls cost one atomic load. kCorruption when
  // they are damaged, and at once on every later call for that term. Block(), BlockBytes() and a
  // PostingCursor may read a term's blocks only once this returned Ok.
  Status VerifyTerm(const TermInfo& term) const;
  bool IsVerified(const TermInfo& term) const {
    return verified_ == nullptr ||
           (verified_[term.ordinal / 64].load(std::memory_order_acquire) >> (term.ordinal % 64)) &
               1;
  }
  // Find(term)->doc_freq, or 0.
  uint32_t DocFreq(std::string_view term) const;
  // The i-th term in byte order, and where its postings are.
  // REQUIRES: i < term_count().
  std::string_view TermAt(uint32_t i) const;
  TermInfo TermInfoAt(uint32_t i) const;

  // REQUIRES: doc < doc_count().
  uint32_t FieldLength(uint32_t doc, size_t field) const {
    uint32_t v;
    std::memcpy(&v, lengths_ + (static_cast<size_t>(doc) * kNumFields + field) * 4, 4);
    return v;
  }
  // REQUIRES: block < block_count().
  BlockInfo Block(uint64_t block) const;
  // Block(block).last_doc, cheaper: what skipping reads.
  uint32_t BlockLastDoc(uint64_t block) const {
    uint32_t v;
    std::memcpy(&v, blocks_ + block * format::kBlockEntrySize, 4);
    return v;
  }
  // The encoded postings of `block` (posting_block.h).
  std::span<const uint8_t> BlockBytes(uint64_t block) const;
  // The base the first gap of `block` is relative to: 0 for a term's first
  // block, else the previous block's last doc + 1.
  // REQUIRES: `block` belongs to `term`.
  uint32_t BlockBase(const TermInfo& term, uint64_t block) const {
    return block == term.first_block ? 0 : Block(block - 1).last_doc + 1;
  }

 private:
  Bm25Index() = default;
  Status Parse(std::span<const uint8_t> bytes);
  Status VerifyTables() const;
  // VerifyTerm's checks: offsets, checksum, blocks (version 2).
  Status CheckTerm(const TermInfo& term) const;
  // Version 1: every block's offset, in one pass.
  Status VerifyBlockOffsets() const;
  // Every block of the term decodes and agrees with its entry.
  Status VerifyTermPostings(const TermInfo& term) const;
  uint64_t BlockOffset(uint64_t block) const;

  std::vector<uint8_t> owned_;  // empty unless adopted; moving keeps its buffer in place
  size_t term_entry_size_ = format::kTermEntrySize;
  // One bit per term, set once VerifyTerm passed; null when every term was
  // verified at open (version 1).
  std::unique_ptr<std::atomic<uint64_t>[]> verified_;
  // One bit per term, set once VerifyTerm refused it (not checked again).
  std::unique_ptr<std::atomic<uint64_t>[]> refused_;
  uint32_t doc_count_ = 0;
  uint32_t term_count_ = 0;
  uint64_t block_count_ = 0;
  std::array<uint64_t, kNumFields> total_length_{};
  const uint8_t* terms_ = nullptr;
  const uint8_t* lengths_ = nullptr;
  const uint8_t* blocks_ = nullptr;
  const uint8_t* strings_ = nullptr;
  uint64_t strings_size_ = 0;
  const uint8_t* postings_ = nullptr;
  uint64_t postings_size_ = 0;
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_BM25_INDEX_H_
