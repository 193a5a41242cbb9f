// Bm25Writer: lays out the postings format (docs/format/bm25-postings.md)
// from terms handed over in byte order, each with all of its postings. Both
// writers of the format go through it: Bm25IndexBuilder::Serialize (a whole
// index in memory) and MergeBm25Indexes (bm25_merge.h, which streams the
// postings section to a file and keeps only the tables).
//
// The postings section is last in the file, and the tables before it are
// known only once every term is in, so a streaming writer encodes its
// postings twice: once to size the tables (AddTerm with no output), once to
// write them (EncodePostings), then the header with WriteAt. The encoding
// is deterministic, so both passes agree byte for byte.
//
// Thread-safety: NOT thread-safe; one writer.
#ifndef QUARRY_LEXICAL_BM25_WRITER_H_
#define QUARRY_LEXICAL_BM25_WRITER_H_

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "lexical/bm25_format.h"
#include "lexical/field.h"
#include "lexical/posting_block.h"

namespace quarry::lexical {

using FieldLengths = std::array<uint32_t, kNumFields>;

class Bm25Writer {
 public:
  // `lengths`: every document's field lengths, by doc id.
  // REQUIRES: `lengths` outlives the writer.
  explicit Bm25Writer(std::span<const FieldLengths> lengths);

  // Adds the next term and its postings: its term entry, block entries and
  // string are kept; the encoded blocks are appended to *postings_out, or
  // only counted when it is null.
  // REQUIRES: terms strictly increasing in byte order, 1 to
  // Bm25IndexBuilder::kMaxTermBytes bytes; postings non-empty, docs strictly increasing and <
  // lengths.size(), tfs not both 0.
  void AddTerm(std::string_view term, std::span<const Posting> postings,
               std::vector<uint8_t>* postings_out);

  // The encoded blocks of one term's postings, exactly what AddTerm appends.
  static void EncodePostings(std::span<const Posting> postings, std::vector<uint8_t>* out);

  uint32_t term_count() const { return term_count_; }
  uint64_t postings_size() const { return postings_size_; }

  // Appends the body up to the postings section: term table, length table,
  // block table and term strings, each padded to the section alignment. The
  // postings section starts right after it.
  void AppendTables(std::vector<uint8_t>* out) const;
  // The file header for a body of `tables` (what AppendTables() wrote)
  // followed by postings_size() bytes of postings. Its checksum covers the
  // tables; each term entry carries its own postings' checksum.
  std::array<uint8_t, format::kHeaderSize> Header(std::span<const uint8_t> tables) const;

 private:
  struct Layout {
    uint64_t terms = 0, lengths = 0, blocks = 0, strings = 0, postings = 0;
  };
  Layout SectionOffsets() const;

  std::span<const FieldLengths> lengths_;
  std::array<uint64_t, kNumFields> total_length_{};
  std::vector<uint8_t> term_table_;
  std::vector<uint8_t> block_table_;
  std::vector<uint8_t> strings_;
  uint32_t term_count_ = 0;
  uint64_t block_count_ = 0;
  uint64_t postings_size_ = 0;
  // AddTerm's scratch (one term's blocks) when only sizes are wanted.
  std::vector<uint8_t> counted_;
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_BM25_WRITER_H_
