#include "lexical/bm25_builder.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include "base/crc32c.h"
#include "lexical/bm25_format.h"
#include "lexical/byte_io.h"

namespace quarry::lexical {
namespace {

using namespace format;  // NOLINT: the format's constants, in its own writer

void PadTo(std::vector<uint8_t>* out, size_t align) {
  while (out->size() % align != 0) out->push_back(0);
}

}  // namespace

Result<uint32_t> Bm25IndexBuilder::AddDocument(std::span<const std::string> title_terms,
                                               std::span<const std::string> body_terms) {
  if (lengths_.size() >= kMaxDocs) {
    return Status::ResourceExhausted("a keyword index holds at most " + std::to_string(kMaxDocs) +
                                     " documents");
  }
  const std::array<std::span<const std::string>, kNumFields> fields = {title_terms, body_terms};
  for (const auto& terms : fields) {
    if (terms.size() > UINT32_MAX) return Status::InvalidArgument("field has too many terms");
    for (const std::string& t : terms) {
      if (t.empty()) return Status::InvalidArgument("empty term");
      if (t.size() > kMaxTermBytes) {
        return Status::InvalidArgument("term of " + std::to_string(t.size()) +
                                       " bytes; the limit is " + std::to_string(kMaxTermBytes));
      }
    }
  }
  // Every posting is at most one block, so this keeps the format's u32 block
  // and term counts exact.
  if (total_postings_ + title_terms.size() + body_terms.size() > UINT32_MAX) {
    return Status::ResourceExhausted("a keyword index holds at most 2^32 - 1 postings");
  }
  const auto doc = static_cast<uint32_t>(lengths_.size());
  std::array<uint32_t, kNumFields> lengths{};
  for (size_t f = 0; f < kNumFields; ++f) {
    for (const std::string& t : fields[f]) {
      auto [it, inserted] = term_ids_.try_emplace(t, static_cast<uint32_t>(postings_.size()));
      if (inserted) {
        terms_.push_back(it->first);  // unordered_map keys never move
        postings_.emplace_back();
      }
      std::vector<Posting>& list = postings_[it->second];
      if (list.empty() || list.back().doc != doc) {
        list.push_back(Posting{doc, {}});
        ++total_postings_;
      }
      ++list.back().tf[f];
    }
    lengths[f] = static_cast<uint32_t>(fields[f].size());
    total_length_[f] += lengths[f];
  }
  lengths_.push_back(lengths);
  return doc;
}

std::vector<uint8_t> Bm25IndexBuilder::Serialize() const {
  std::vector<uint32_t> order(postings_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return terms_[a] < terms_[b]; });

  // Blocks and postings first, into their own buffers.
  std::vector<uint8_t> block_table;
  std::vector<uint8_t> postings;
  std::vector<uint8_t> term_table;
  std::vector<uint8_t> strings;
  uint64_t block_count = 0;
  for (uint32_t id : order) {
    const std::vector<Posting>& list = postings_[id];
    AppendU64(&term_table, strings.size());
    AppendU32(&term_table, static_cast<uint32_t>(terms_[id].size()));
    AppendU32(&term_table, static_cast<uint32_t>(list.size()));
    AppendU64(&term_table, block_count);
    strings.insert(strings.end(), terms_[id].begin(), terms_[id].end());
    uint32_t base = 0;
    for (size_t start = 0; start < list.size(); start += kBlockSize) {
      const size_t n = std::min<size_t>(kBlockSize, list.size() - start);
      const std::span<const Posting> block(list.data() + start, n);
      std::array<uint32_t, kNumFields> max_tf{};
      std::array<uint32_t, kNumFields> min_len;
      min_len.fill(UINT32_MAX);
      for (const Posting& p : block) {
        for (size_t f = 0; f < kNumFields; ++f) {
          max_tf[f] = std::max(max_tf[f], p.tf[f]);
          min_len[f] = std::min(min_len[f], lengths_[p.doc][f]);
        }
      }
      AppendU32(&block_table, block.back().doc);
      AppendU32(&block_table, static_cast<uint32_t>(n));
      AppendU64(&block_table, postings.size());
      for (uint32_t v : max_tf) AppendU32(&block_table, v);
      for (uint32_t v : min_len) AppendU32(&block_table, v);
      EncodeBlock(block, base, &postings);
      base = block.back().doc + 1;
      ++block_count;
    }
  }

  std::vector<uint8_t> out(kHeaderSize, 0);
  auto section = [&](const std::vector<uint8_t>& bytes) {
    PadTo(&out, kSectionAlign);
    const uint64_t offset = out.size() - kHeaderSize;
    out.insert(out.end(), bytes.begin(), bytes.end());
    return offset;
  };
  std::vector<uint8_t> length_table;
  length_table.reserve(lengths_.size() * kNumFields * 4);
  for (const auto& l : lengths_) {
    for (uint32_t v : l) AppendU32(&length_table, v);
  }
  const uint64_t terms_off = section(term_table);
  const uint64_t lengths_off = section(length_table);
  const uint64_t blocks_off = section(block_table);
  const uint64_t strings_off = section(strings);
  const uint64_t postings_off = section(postings);

  uint8_t* h = out.data();
  std::memcpy(h + kOffMagic, kMagic, sizeof kMagic);
  StoreU32(h + kOffVersion, kVersion);
  StoreU32(h + kOffHeaderSize, kHeaderSize);
  StoreU64(h + kOffBodySize, out.size() - kHeaderSize);
  StoreU32(h + kOffBlockSize, kBlockSize);
  StoreU32(h + kOffDocCount, doc_count());
  StoreU32(h + kOffTermCount, static_cast<uint32_t>(postings_.size()));
  StoreU32(h + kOffBlockCount, static_cast<uint32_t>(block_count));
  StoreU32(h + kOffNumFields, kNumFields);
  for (size_t f = 0; f < kNumFields; ++f) StoreU64(h + kOffTotalLength + 8 * f, total_length_[f]);
  StoreU64(h + kOffTermsOffset, terms_off);
  StoreU64(h + kOffLengthsOffset, lengths_off);
  StoreU64(h + kOffBlocksOffset, blocks_off);
  StoreU64(h + kOffStringsOffset, strings_off);
  StoreU64(h + kOffStringsSize, strings.size());
  StoreU64(h + kOffPostingsOffset, postings_off);
  StoreU64(h + kOffPostingsSize, postings.size());
  StoreU32(h + kOffBodyCrc, crc32c::Value(h + kHeaderSize, out.size() - kHeaderSize));
  StoreU32(h + kOffHeaderCrc, crc32c::Value(h, kOffHeaderCrc));
  return out;
}

Result<Bm25Index> Bm25IndexBuilder::Build() const { return Bm25Index::Adopt(Serialize()); }

}  // namespace quarry::lexical
