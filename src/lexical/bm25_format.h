// Constants of the BM25 postings format, version 2 (version 1 is still
// read). The layout is described in docs/format/bm25-postings.md; the writer
// is bm25_writer.cc, the reader and validator bm25_index.cc.
//
// Thread-safety: constants.
#ifndef QUARRY_LEXICAL_BM25_FORMAT_H_
#define QUARRY_LEXICAL_BM25_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/crc32c.h"

namespace quarry::lexical::format {

inline constexpr char kMagic[8] = {'Q', 'R', 'Y', 'B', 'M', '2', '5', '\0'};
inline constexpr uint32_t kVersion = 2;       // what the writer writes
inline constexpr uint32_t kFirstVersion = 1;  // the oldest the reader reads
inline constexpr size_t kHeaderSize = 128;
inline constexpr uint32_t kBlockSize = 128;  // postings per block (the last one may hold fewer)
inline constexpr size_t kSectionAlign = 8;   // each table starts at a multiple of this

// Header field offsets (from the start of the file).
inline constexpr size_t kOffMagic = 0;
inline constexpr size_t kOffVersion = 8;
inline constexpr size_t kOffHeaderSize = 12;
inline constexpr size_t kOffBodySize = 16;
// Version 1: CRC-32C of the whole body. Version 2: of the term table, the
// length table and the term strings, in that order (each term's block
// entries and postings have their own, in its term entry).
inline constexpr size_t kOffBodyCrc = 24;
inline constexpr size_t kOffBlockSize = 28;
inline constexpr size_t kOffDocCount = 32;
inline constexpr size_t kOffTermCount = 36;
inline constexpr size_t kOffBlockCount = 40;
inline constexpr size_t kOffNumFields = 44;
inline constexpr size_t kOffTotalLength = 48;  // u64 per field (2 fields: 48, 56)
inline constexpr size_t kOffTermsOffset = 64;  // section offsets are relative to the body
inline constexpr size_t kOffLengthsOffset = 72;
inline constexpr size_t kOffBlocksOffset = 80;
inline constexpr size_t kOffStringsOffset = 88;
inline constexpr size_t kOffStringsSize = 96;
inline constexpr size_t kOffPostingsOffset = 104;
inline constexpr size_t kOffPostingsSize = 112;
inline constexpr size_t kOffHeaderCrc = 124;  // CRC-32C of bytes [0, 124)

// Term entry: u64 string offset (in the strings section), u32 string length,
// u32 document frequency, u64 first block; version 2 adds u32 postings CRC
// (TermPostingsCrc) and u32 reserved (0).
inline constexpr size_t kTermEntrySizeV1 = 24;
inline constexpr size_t kTermEntrySize = 32;
inline constexpr size_t kOffTermPostingsCrc = 24;  // within a version 2 term entry
// Block entry: u32 last doc, u32 count, u64 postings offset (in the postings
// section), u32 max tf per field, u32 min field length per field.
inline constexpr size_t kBlockEntrySize = 32;

// Version 2's header checksum (kOffBodyCrc): CRC-32C of the term table,
// then the length table, then the term strings (each section's bytes,
// padding excluded).
inline uint32_t TablesCrc(std::span<const uint8_t> terms, std::span<const uint8_t> lengths,
                          std::span<const uint8_t> strings) {
  uint32_t crc = crc32c::Value(terms.data(), terms.size());
  crc = crc32c::Extend(crc, lengths.data(), lengths.size());
  return crc32c::Extend(crc, strings.data(), strings.size());
}

// A version 2 term's checksum: CRC-32C of its block entries, then of its
// encoded blocks (bytes from its first block's offset to the offset after
// its last block). A reader verifies it on the term's first use.
inline uint32_t TermPostingsCrc(std::span<const uint8_t> block_entries,
                                std::span<const uint8_t> encoded_blocks) {
  return crc32c::Extend(crc32c::Value(block_entries.data(), block_entries.size()),
                        encoded_blocks.data(), encoded_blocks.size());
}

}  // namespace quarry::lexical::format

#endif  // QUARRY_LEXICAL_BM25_FORMAT_H_
