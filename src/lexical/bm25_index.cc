#include "lexical/bm25_index.h"

#include <algorithm>
#include <string>
#include <utility>

#include "base/crc32c.h"
#include "lexical/byte_io.h"
#include "lexical/posting_block.h"

namespace quarry::lexical {
namespace {

using namespace format;  // NOLINT: the format's constants, in its own reader

Status Corrupt(const std::string& what) { return Status::Corruption("bm25 postings: " + what); }

// True if [offset, offset + size) lies within [0, limit) without overflow.
bool InBounds(uint64_t offset, uint64_t size, uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}

}  // namespace

Result<Bm25Index> Bm25Index::Open(std::span<const uint8_t> bytes) {
  Bm25Index index;
  QUARRY_RETURN_IF_ERROR(index.Parse(bytes));
  return index;
}

Result<Bm25Index> Bm25Index::Adopt(std::vector<uint8_t> bytes) {
  Bm25Index index;
  index.owned_ = std::move(bytes);
  QUARRY_RETURN_IF_ERROR(index.Parse(index.owned_));
  return index;
}

Status Bm25Index::Parse(std::span<const uint8_t> bytes) {
  if (bytes.size() < kHeaderSize) {
    return Corrupt(std::to_string(bytes.size()) + " bytes is shorter than the " +
                   std::to_string(kHeaderSize) + "-byte header");
  }
  const uint8_t* h = bytes.data();
  if (std::memcmp(h + kOffMagic, kMagic, sizeof kMagic) != 0) return Corrupt("bad magic");
  const uint32_t version = LoadU32(h + kOffVersion);
  if (version < kFirstVersion || version > kVersion) {
    return Corrupt("format version " + std::to_string(version) + "; this build reads versions " +
                   std::to_string(kFirstVersion) + " to " + std::to_string(kVersion));
  }
  term_entry_size_ = version == 1 ? kTermEntrySizeV1 : kTermEntrySize;
  if (LoadU32(h + kOffHeaderCrc) != crc32c::Value(h, kOffHeaderCrc)) {
    return Corrupt("header checksum mismatch");
  }
  if (LoadU32(h + kOffHeaderSize) != kHeaderSize) return Corrupt("unexpected header size");
  const uint64_t body_size = LoadU64(h + kOffBodySize);
  if (body_size != bytes.size() - kHeaderSize) {
    return Corrupt("body is " + std::to_string(bytes.size() - kHeaderSize) +
                   " bytes; the header says " + std::to_string(body_size) + " (truncated?)");
  }
  const uint8_t* body = h + kHeaderSize;
  if (version == 1 && LoadU32(h + kOffBodyCrc) != crc32c::Value(body, body_size)) {
    return Corrupt("body checksum mismatch");
  }
  if (LoadU32(h + kOffBlockSize) != kBlockSize) return Corrupt("unsupported block size");
  if (LoadU32(h + kOffNumFields) != kNumFields) return Corrupt("unsupported number of fields");

  doc_count_ = LoadU32(h + kOffDocCount);
  term_count_ = LoadU32(h + kOffTermCount);
  block_count_ = LoadU32(h + kOffBlockCount);
  for (size_t f = 0; f < kNumFields; ++f) total_length_[f] = LoadU64(h + kOffTotalLength + 8 * f);

  struct Section {
    uint64_t offset, size;
    const char* name;
  };
  const uint64_t terms_off = LoadU64(h + kOffTermsOffset);
  const uint64_t lengths_off = LoadU64(h + kOffLengthsOffset);
  const uint64_t blocks_off = LoadU64(h + kOffBlocksOffset);
  const uint64_t strings_off = LoadU64(h + kOffStringsOffset);
  strings_size_ = LoadU64(h + kOffStringsSize);
  const uint64_t postings_off = LoadU64(h + kOffPostingsOffset);
  postings_size_ = LoadU64(h + kOffPostingsSize);
  const Section sections[] = {
      {terms_off, uint64_t{term_count_} * term_entry_size_, "term table"},
      {lengths_off, uint64_t{doc_count_} * kNumFields * 4, "length table"},
      {blocks_off, block_count_ * kBlockEntrySize, "block table"},
      {strings_off, strings_size_, "term strings"},
      {postings_off, postings_size_, "postings"},
  };
  for (const Section& s : sections) {
    if (!InBounds(s.offset, s.size, body_size) || s.offset % kSectionAlign != 0) {
      return Corrupt(std::string(s.name) + " lies outside the body");
    }
  }
  terms_ = body + terms_off;
  lengths_ = body + lengths_off;
  blocks_ = body + blocks_off;
  strings_ = body + strings_off;
  postings_ = body + postings_off;
  if (version == 1) {
    QUARRY_RETURN_IF_ERROR(VerifyTables());
    QUARRY_RETURN_IF_ERROR(VerifyBlockOffsets());
    for (uint32_t t = 0; t < term_count_; ++t) {
      QUARRY_RETURN_IF_ERROR(VerifyTermPostings(TermInfoAt(t)));
    }
    return Status::Ok();
  }
  const uint64_t lengths_size = uint64_t{doc_count_} * kNumFields * 4;
  const uint32_t crc = TablesCrc({terms_, size_t{term_count_} * term_entry_size_},
                                 {lengths_, static_cast<size_t>(lengths_size)},
                                 {strings_, static_cast<size_t>(strings_size_)});
  if (LoadU32(h + kOffBodyCrc) != crc) return Corrupt("tables checksum mismatch");
  QUARRY_RETURN_IF_ERROR(VerifyTables());
  verified_ = std::make_unique<std::atomic<uint64_t>[]>((term_count_ + 63) / 64);
  refused_ = std::make_unique<std::atomic<uint64_t>[]>((term_count_ + 63) / 64);
  return Status::Ok();
}

Status Bm25Index::VerifyTerm(const TermInfo& term) const {
  if (IsVerified(term)) return Status::Ok();
  const uint64_t bit = uint64_t{1} << (term.ordinal % 64);
  std::atomic<uint64_t>& refused = refused_[term.ordinal / 64];
  if (refused.load(std::memory_order_relaxed) & bit) {
    return Corrupt("term " + std::to_string(term.ordinal) + ": refused at an earlier read");
  }
  Status s = CheckTerm(term);
  if (!s.ok()) {
    refused.fetch_or(bit, std::memory_order_relaxed);
    return s;
  }
  verified_[term.ordinal / 64].fetch_or(bit, std::memory_order_release);
  return Status::Ok();
}

Status Bm25Index::CheckTerm(const TermInfo& term) const {
  // Term entries were verified at open: the term's blocks are consecutive
  // entries of the block table. Their offsets come first, then the checksum
  // over the bytes they delimit.
  const uint64_t end = term.first_block + term.block_count;
  const uint64_t first_byte = BlockOffset(term.first_block);
  uint64_t previous = first_byte;
  for (uint64_t b = term.first_block; b <= end; ++b) {
    const uint64_t offset = BlockOffset(b);
    if (offset < previous || offset > postings_size_) {
      return Corrupt("term " + std::to_string(term.ordinal) + ": block offsets out of order");
    }
    previous = offset;
  }
  const uint32_t crc = TermPostingsCrc(
      {blocks_ + term.first_block * kBlockEntrySize, size_t{term.block_count} * kBlockEntrySize},
      {postings_ + first_byte, static_cast<size_t>(BlockOffset(end) - first_byte)});
  const uint8_t* entry = terms_ + size_t{term.ordinal} * term_entry_size_;
  if (LoadU32(entry + kOffTermPostingsCrc) != crc) {
    return Corrupt("term " + std::to_string(term.ordinal) + ": postings checksum mismatch");
  }
  return VerifyTermPostings(term);
}

TermInfo Bm25Index::TermInfoAt(uint32_t i) const {
  const uint8_t* e = terms_ + size_t{i} * term_entry_size_;
  TermInfo info;
  info.ordinal = i;
  info.doc_freq = LoadU32(e + 12);
  info.first_block = LoadU64(e + 16);
  info.block_count = static_cast<uint32_t>((uint64_t{info.doc_freq} + kBlockSize - 1) / kBlockSize);
  return info;
}

std::string_view Bm25Index::TermAt(uint32_t i) const {
  const uint8_t* e = terms_ + size_t{i} * term_entry_size_;
  return std::string_view(reinterpret_cast<const char*>(strings_) + LoadU64(e), LoadU32(e + 8));
}

BlockInfo Bm25Index::Block(uint64_t block) const {
  const uint8_t* e = blocks_ + block * kBlockEntrySize;
  BlockInfo info;
  info.last_doc = LoadU32(e);
  info.count = LoadU32(e + 4);
  for (size_t f = 0; f < kNumFields; ++f) {
    info.max_tf[f] = LoadU32(e + 16 + 4 * f);
    info.min_len[f] = LoadU32(e + 24 + 4 * f);
  }
  return info;
}

uint64_t Bm25Index::BlockOffset(uint64_t block) const {
  return block == block_count_ ? postings_size_ : LoadU64(blocks_ + block * kBlockEntrySize + 8);
}

std::span<const uint8_t> Bm25Index::BlockBytes(uint64_t block) const {
  const uint64_t begin = BlockOffset(block);
  return {postings_ + begin, static_cast<size_t>(BlockOffset(block + 1) - begin)};
}

Status Bm25Index::VerifyTables() const {
  // Terms: strings in bounds and strictly increasing; blocks consecutive.
  uint64_t next_block = 0;
  for (uint32_t i = 0; i < term_count_; ++i) {
    const uint8_t* e = terms_ + size_t{i} * term_entry_size_;
    if (!InBounds(LoadU64(e), LoadU32(e + 8), strings_size_)) {
      return Corrupt("term " + std::to_string(i) + " string out of bounds");
    }
    if (LoadU32(e + 8) == 0) return Corrupt("empty term string");
    if (i > 0 && !(TermAt(i - 1) < TermAt(i))) return Corrupt("terms out of order");
    const TermInfo info = TermInfoAt(i);
    if (info.doc_freq == 0 || info.doc_freq > doc_count_) {
      return Corrupt("term " + std::to_string(i) + " has document frequency " +
                     std::to_string(info.doc_freq));
    }
    if (info.first_block != next_block) return Corrupt("term blocks are not consecutive");
    next_block += info.block_count;
    if (next_block > block_count_) return Corrupt("term blocks beyond the block table");
  }
  if (next_block != block_count_) return Corrupt("blocks that belong to no term");
  // Lengths: they add up to the totals.
  std::array<uint64_t, kNumFields> sum{};
  for (uint32_t d = 0; d < doc_count_; ++d) {
    for (size_t f = 0; f < kNumFields; ++f) sum[f] += FieldLength(d, f);
  }
  if (sum != total_length_) return Corrupt("field lengths do not add up to the totals");
  return Status::Ok();
}

Status Bm25Index::VerifyBlockOffsets() const {
  // Postings offsets increasing within the postings section.
  uint64_t previous = 0;
  for (uint64_t b = 0; b <= block_count_; ++b) {
    const uint64_t offset = BlockOffset(b);
    if (offset < previous || offset > postings_size_) return Corrupt("block offsets out of order");
    previous = offset;
  }
  return Status::Ok();
}

Status Bm25Index::VerifyTermPostings(const TermInfo& term) const {
  // Every block decodes, stays below doc_count, agrees with its table entry
  // (count, last doc, and the block-max data pruning relies on), and no tf
  // exceeds the document's field length.
  DecodedBlock decoded;
  uint64_t postings = 0;
  for (uint64_t b = term.first_block; b < term.first_block + term.block_count; ++b) {
    const BlockInfo info = Block(b);
    const auto where = [&] {
      return "block " + std::to_string(b) + " of term " + std::to_string(term.ordinal);
    };
    const bool last = b + 1 == term.first_block + term.block_count;
    if (info.count == 0 || info.count > kBlockSize || (!last && info.count != kBlockSize)) {
      return Corrupt(where() + ": bad count");
    }
    if (!DecodeBlock(BlockBytes(b), info.count, BlockBase(term, b), &decoded)) {
      return Corrupt(where() + ": undecodable");
    }
    if (decoded.docs[info.count - 1] != info.last_doc || info.last_doc >= doc_count_) {
      return Corrupt(where() + ": doc ids disagree with the block table");
    }
    std::array<uint32_t, kNumFields> max_tf{};
    std::array<uint32_t, kNumFields> min_len;
    min_len.fill(UINT32_MAX);
    for (uint32_t i = 0; i < info.count; ++i) {
      uint64_t tf_sum = 0;
      for (size_t f = 0; f < kNumFields; ++f) {
        const uint32_t tf = decoded.tf[f][i];
        const uint32_t len = FieldLength(decoded.docs[i], f);
        if (tf > len) return Corrupt(where() + ": tf exceeds the field length");
        tf_sum += tf;
        max_tf[f] = std::max(max_tf[f], tf);
        min_len[f] = std::min(min_len[f], len);
      }
      if (tf_sum == 0) return Corrupt(where() + ": posting with no occurrence");
    }
    if (max_tf != info.max_tf || min_len != info.min_len) {
      return Corrupt(where() + ": block-max data disagrees with the postings");
    }
    postings += info.count;
  }
  if (postings != term.doc_freq) {
    return Corrupt("term " + std::to_string(term.ordinal) + ": wrong df");
  }
  return Status::Ok();
}

std::optional<TermInfo> Bm25Index::Find(std::string_view term) const {
  uint32_t lo = 0;
  uint32_t hi = term_count_;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (TermAt(mid) < term) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < term_count_ && TermAt(lo) == term) return TermInfoAt(lo);
  return std::nullopt;
}

uint32_t Bm25Index::DocFreq(std::string_view term) const {
  const std::optional<TermInfo> info = Find(term);
  return info ? info->doc_freq : 0;
}

CollectionStats Bm25Index::LocalStats() const {
  CollectionStats stats;
  stats.doc_count = doc_count_;
  stats.total_length = total_length_;
  return stats;
}

}  // namespace quarry::lexical
