// Constants of the BM25 postings format, version 1. The layout is described
// in docs/format/bm25-postings.md; the writer is bm25_builder.cc, the reader
// and validator bm25_index.cc.
//
// Thread-safety: constants.
#ifndef QUARRY_LEXICAL_BM25_FORMAT_H_
#define QUARRY_LEXICAL_BM25_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace quarry::lexical::format {

inline constexpr char kMagic[8] = {'Q', 'R', 'Y', 'B', 'M', '2', '5', '\0'};
inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kHeaderSize = 128;
inline constexpr uint32_t kBlockSize = 128;  // postings per block (the last one may hold fewer)
inline constexpr size_t kSectionAlign = 8;   // each table starts at a multiple of this

// Header field offsets (from the start of the file).
inline constexpr size_t kOffMagic = 0;
inline constexpr size_t kOffVersion = 8;
inline constexpr size_t kOffHeaderSize = 12;
inline constexpr size_t kOffBodySize = 16;
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
// u32 document frequency, u64 first block.
inline constexpr size_t kTermEntrySize = 24;
// Block entry: u32 last doc, u32 count, u64 postings offset (in the postings
// section), u32 max tf per field, u32 min field length per field.
inline constexpr size_t kBlockEntrySize = 32;

}  // namespace quarry::lexical::format

#endif  // QUARRY_LEXICAL_BM25_FORMAT_H_
