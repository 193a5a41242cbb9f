#include "lexical/bm25_writer.h"

#include <algorithm>
#include <cstring>

#include "base/check.h"
#include "base/crc32c.h"
#include "lexical/byte_io.h"

namespace quarry::lexical {
namespace {

using namespace format;  // NOLINT: the format's constants, in its own writer

// Calls fn(block, base) for each block of a term's postings: kBlockSize
// postings at a time, `base` being what the block's first gap is relative to.
template <typename Fn>
void ForEachBlock(std::span<const Posting> postings, Fn&& fn) {
  uint32_t base = 0;
  for (size_t start = 0; start < postings.size(); start += kBlockSize) {
    const std::span<const Posting> block =
        postings.subspan(start, std::min<size_t>(kBlockSize, postings.size() - start));
    fn(block, base);
    base = block.back().doc + 1;
  }
}

void PadTo(std::vector<uint8_t>* out, size_t align) {
  while (out->size() % align != 0) out->push_back(0);
}

uint64_t Padded(uint64_t n) { return (n + kSectionAlign - 1) / kSectionAlign * kSectionAlign; }

}  // namespace

Bm25Writer::Bm25Writer(std::span<const FieldLengths> lengths) : lengths_(lengths) {
  for (const FieldLengths& l : lengths) {
    for (size_t f = 0; f < kNumFields; ++f) total_length_[f] += l[f];
  }
}

void Bm25Writer::EncodePostings(std::span<const Posting> postings, std::vector<uint8_t>* out) {
  ForEachBlock(postings, [out](std::span<const Posting> block, uint32_t base) {
    EncodeBlock(block, base, out);
  });
}

void Bm25Writer::AddTerm(std::string_view term, std::span<const Posting> postings,
                         std::vector<uint8_t>* postings_out) {
  AppendU64(&term_table_, strings_.size());
  AppendU32(&term_table_, static_cast<uint32_t>(term.size()));
  AppendU32(&term_table_, static_cast<uint32_t>(postings.size()));
  AppendU64(&term_table_, block_count_);
  const size_t crc_at = term_table_.size();
  AppendU32(&term_table_, 0);  // the postings CRC, below
  AppendU32(&term_table_, 0);  // reserved
  strings_.insert(strings_.end(), term.begin(), term.end());
  ++term_count_;

  // Without an output, the term's blocks are encoded into a scratch buffer
  // (for its CRC) and only counted.
  std::vector<uint8_t>* out = postings_out != nullptr ? postings_out : &counted_;
  const size_t entries_start = block_table_.size();
  const size_t bytes_start = out->size();
  ForEachBlock(postings, [&](std::span<const Posting> block, uint32_t base) {
    FieldLengths max_tf{};
    FieldLengths min_len;
    min_len.fill(UINT32_MAX);
    for (const Posting& p : block) {
      for (size_t f = 0; f < kNumFields; ++f) {
        max_tf[f] = std::max(max_tf[f], p.tf[f]);
        min_len[f] = std::min(min_len[f], lengths_[p.doc][f]);
      }
    }
    AppendU32(&block_table_, block.back().doc);
    AppendU32(&block_table_, static_cast<uint32_t>(block.size()));
    AppendU64(&block_table_, postings_size_);
    for (uint32_t v : max_tf) AppendU32(&block_table_, v);
    for (uint32_t v : min_len) AppendU32(&block_table_, v);
    const size_t before = out->size();
    EncodeBlock(block, base, out);
    postings_size_ += out->size() - before;
    ++block_count_;
  });
  StoreU32(term_table_.data() + crc_at,
           TermPostingsCrc(std::span(block_table_).subspan(entries_start),
                           std::span(*out).subspan(bytes_start)));
  counted_.clear();
}

Bm25Writer::Layout Bm25Writer::SectionOffsets() const {
  Layout at;
  at.terms = 0;
  at.lengths = Padded(at.terms + term_table_.size());
  at.blocks = Padded(at.lengths + lengths_.size() * kNumFields * 4);
  at.strings = Padded(at.blocks + block_table_.size());
  at.postings = Padded(at.strings + strings_.size());
  return at;
}

void Bm25Writer::AppendTables(std::vector<uint8_t>* out) const {
  out->reserve(out->size() + SectionOffsets().postings);
  out->insert(out->end(), term_table_.begin(), term_table_.end());
  PadTo(out, kSectionAlign);
  for (const FieldLengths& l : lengths_) {
    for (uint32_t v : l) AppendU32(out, v);
  }
  PadTo(out, kSectionAlign);
  out->insert(out->end(), block_table_.begin(), block_table_.end());
  PadTo(out, kSectionAlign);
  out->insert(out->end(), strings_.begin(), strings_.end());
  PadTo(out, kSectionAlign);
}

std::array<uint8_t, kHeaderSize> Bm25Writer::Header(std::span<const uint8_t> tables) const {
  const Layout at = SectionOffsets();
  QUARRY_CHECK(tables.size() == at.postings, "callers pass what AppendTables wrote");
  std::array<uint8_t, kHeaderSize> header{};
  uint8_t* h = header.data();
  std::memcpy(h + kOffMagic, kMagic, sizeof kMagic);
  StoreU32(h + kOffVersion, kVersion);
  StoreU32(h + kOffHeaderSize, kHeaderSize);
  StoreU64(h + kOffBodySize, at.postings + postings_size_);
  StoreU32(h + kOffBodyCrc,
           format::TablesCrc(tables.subspan(at.terms, term_table_.size()),
                             tables.subspan(at.lengths, lengths_.size() * kNumFields * 4),
                             tables.subspan(at.strings, strings_.size())));
  StoreU32(h + kOffBlockSize, kBlockSize);
  StoreU32(h + kOffDocCount, static_cast<uint32_t>(lengths_.size()));
  StoreU32(h + kOffTermCount, term_count_);
  StoreU32(h + kOffBlockCount, static_cast<uint32_t>(block_count_));
  StoreU32(h + kOffNumFields, kNumFields);
  for (size_t f = 0; f < kNumFields; ++f) StoreU64(h + kOffTotalLength + 8 * f, total_length_[f]);
  StoreU64(h + kOffTermsOffset, at.terms);
  StoreU64(h + kOffLengthsOffset, at.lengths);
  StoreU64(h + kOffBlocksOffset, at.blocks);
  StoreU64(h + kOffStringsOffset, at.strings);
  StoreU64(h + kOffStringsSize, strings_.size());
  StoreU64(h + kOffPostingsOffset, at.postings);
  StoreU64(h + kOffPostingsSize, postings_size_);
  StoreU32(h + kOffHeaderCrc, crc32c::Value(h, kOffHeaderCrc));
  return header;
}

}  // namespace quarry::lexical
