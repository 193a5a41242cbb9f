#include "lexical/testing/bm25_reseal.h"

#include "base/crc32c.h"
#include "lexical/bm25_format.h"
#include "lexical/byte_io.h"
#include "lexical/field.h"

namespace quarry::lexical {

void ResealBm25Checksums(std::vector<uint8_t>* bytes) {
  using namespace format;  // NOLINT: the format's own offsets
  if (bytes->size() < kHeaderSize) return;
  uint8_t* h = bytes->data();
  uint8_t* body = h + kHeaderSize;
  const uint64_t body_size = bytes->size() - kHeaderSize;
  if (LoadU32(h + kOffVersion) == 1) {  // one checksum over the whole body
    StoreU32(h + kOffBodyCrc, crc32c::Value(body, body_size));
    StoreU32(h + kOffHeaderCrc, crc32c::Value(h, kOffHeaderCrc));
    return;
  }
  const auto in = [body_size](uint64_t offset, uint64_t size) {
    return offset <= body_size && size <= body_size - offset;
  };
  const uint64_t terms = LoadU64(h + kOffTermsOffset), lengths = LoadU64(h + kOffLengthsOffset);
  const uint64_t blocks = LoadU64(h + kOffBlocksOffset), strings = LoadU64(h + kOffStringsOffset);
  const uint64_t postings = LoadU64(h + kOffPostingsOffset);
  const uint64_t strings_size = LoadU64(h + kOffStringsSize);
  const uint64_t postings_size = LoadU64(h + kOffPostingsSize);
  const uint64_t term_count = LoadU32(h + kOffTermCount), block_count = LoadU32(h + kOffBlockCount);
  const uint64_t lengths_size = uint64_t{LoadU32(h + kOffDocCount)} * kNumFields * 4;
  if (in(terms, term_count * kTermEntrySize) && in(blocks, block_count * kBlockEntrySize) &&
      in(postings, postings_size)) {
    const auto offset = [&](uint64_t b) {
      return b == block_count ? postings_size : LoadU64(body + blocks + b * kBlockEntrySize + 8);
    };
    for (uint64_t t = 0; t < term_count; ++t) {
      uint8_t* e = body + terms + t * kTermEntrySize;
      const uint64_t first = LoadU64(e + 16), n = (LoadU32(e + 12) + kBlockSize - 1) / kBlockSize;
      if (first > block_count || n > block_count - first) continue;
      const uint64_t begin = offset(first), end = offset(first + n);
      if (begin > end || end > postings_size) continue;
      StoreU32(e + kOffTermPostingsCrc,
               TermPostingsCrc({body + blocks + first * kBlockEntrySize, n * kBlockEntrySize},
                               {body + postings + begin, end - begin}));
    }
  }
  if (in(terms, term_count * kTermEntrySize) && in(lengths, lengths_size) &&
      in(strings, strings_size)) {
    StoreU32(h + kOffBodyCrc,
             TablesCrc({body + terms, term_count * kTermEntrySize}, {body + lengths, lengths_size},
                       {body + strings, strings_size}));
  }
  StoreU32(h + kOffHeaderCrc, crc32c::Value(h, kOffHeaderCrc));
}

}  // namespace quarry::lexical
