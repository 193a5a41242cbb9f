// Constants of the HNSW index files (docs/format/hnsw-index.md is the
// normative description; this header and that page change together).
//
// An index saved in a directory is three files, each one header + one body:
//   vectors.f32   rows x dims float32 (normalized for cosine) from file
//                 offset 4096, then a CRC-32C per 4 KiB block of those rows
//                 (version 3; verified on first touch, vector_blocks.h)
//   codes.i8 / codes.bin   the quantizer's parameters (int8: a scale and
//                 an offset per dimension; binary: a centre per dimension),
//                 then rows x stride code records (hnsw_codes.h); absent
//                 when quantization is none
//   graph.hnsw    config, entry point, node metadata, level-0 lists, upper
//                 lists; records the body CRCs of the other two files, so a
//                 directory mixing files of two saves is refused
//
// Every header is 128 bytes, little-endian:
//    0  8  magic
//    8  4  version (kHnswFormatVersion)
//   12  4  header size (128)
//   16  8  body size: the file is exactly 128 + body size bytes
//   24  4  CRC-32C of the body (vectors.f32 version 3: of its block table)
//   28 96  fields of the file kind (offsets below), zero-padded
//  124  4  CRC-32C of bytes 0..123
// Bodies start at offset 128, so mapped float32 rows and u32 link words are
// aligned.
//
// Thread-safety: constants and pure helpers.
#ifndef QUARRY_VECTOR_HNSW_FORMAT_H_
#define QUARRY_VECTOR_HNSW_FORMAT_H_

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "vector/hnsw_codes.h"
#include "vector/hnsw_index.h"
#include "vector/quantization.h"

namespace quarry::vector::hnsw_format {

static_assert(std::endian::native == std::endian::little,
              "index files are little-endian and written by memcpy");

// Version 4 is written for unlinked indexes only (VersionToWrite), version 3
// for every other. Version 4 is version 3 but for one state of graph.hnsw that
// version 3 refuses: rows with no entry point (entry 0xFFFFFFFF, max level
// -1), every node on level 0. Such a graph is unlinked (its link lists are
// never read): BuildFile writes it for fewer rows than the full-scan
// threshold, and every search of it is an exact scan.
// Version 3 (vectors.f32 rows page-aligned, with a CRC per block checked on
// first touch instead of one body CRC checked at open) is written otherwise.
// Version 2 (per-dimension int8 ranges, centred binary codes, whole-body CRC
// of vectors.f32) is read as it is, its vectors verified at open.
// Version 1 (one int8 range for all dimensions, raw sign bits) is read: its
// graph and vectors are used as they are and its codes are re-derived from
// the vectors with the version-2 quantizers (hnsw_open.cc).
inline constexpr uint32_t kVersion = 4;
inline constexpr uint32_t kFirstBlockCrcVersion = 3;
inline constexpr uint32_t kFirstUnlinkedVersion = 4;
// The version a save writes into all three files: 4 only for an unlinked
// graph, so that a linked index stays readable by a version-3 build.
inline uint32_t VersionToWrite(bool unlinked) {
  return unlinked ? kFirstUnlinkedVersion : kFirstBlockCrcVersion;
}
inline constexpr uint32_t kOldestReadableVersion = 1;
inline constexpr size_t kHeaderSize = 128;
inline constexpr size_t kSectionAlign = 64;

inline constexpr std::string_view kVectorsFile = "vectors.f32";
inline constexpr std::string_view kInt8CodesFile = "codes.i8";
inline constexpr std::string_view kBinaryCodesFile = "codes.bin";
inline constexpr std::string_view kGraphFile = "graph.hnsw";

inline constexpr std::array<uint8_t, 8> kVectorsMagic = {'Q', 'R', 'Y', 'V', 'E', 'C', 'F', '\0'};
inline constexpr std::array<uint8_t, 8> kCodesMagic = {'Q', 'R', 'Y', 'C', 'O', 'D', 'E', '\0'};
inline constexpr std::array<uint8_t, 8> kGraphMagic = {'Q', 'R', 'Y', 'H', 'N', 'S', 'W', '\0'};

// Common header fields.
inline constexpr size_t kMagicOffset = 0;
inline constexpr size_t kVersionOffset = 8;
inline constexpr size_t kHeaderSizeOffset = 12;
inline constexpr size_t kBodySizeOffset = 16;
inline constexpr size_t kBodyCrcOffset = 24;
inline constexpr size_t kHeaderCrcOffset = 124;

// Fields shared by the three kinds.
inline constexpr size_t kDimsOffset = 28;  // u32
inline constexpr size_t kRowsOffset = 32;  // u64

// vectors.f32
inline constexpr size_t kVecDistanceOffset = 40;    // u32: 0 cosine, 1 dot, 2 l2
inline constexpr size_t kVecBlockBytesOffset = 44;  // u32 (version 3): bytes per CRC block

// vectors.f32 body (version 3):
//   zero padding up to file offset kVectorsRowsAt (one 4 KiB page, so rows
//   and blocks are page-aligned: checking a block faults in no page that
//   reading its rows would not)
//   rows     rows x dims f32
//   zero padding to a kSectionAlign boundary of the file
//   table    ceil(rows x 4·dims / block bytes) u32: CRC-32C of each block
//            of the rows (the last block may be shorter)
// The header's body CRC covers the table only; the table covers the rows.
//
// Block size: 4 KiB, one page. Rescoring reads scattered rows of 4·dims
// bytes (1.5 KiB at 384 dims), one or two pages each (pread_rows.h); a
// larger block would make the first touch read and checksum 16 (64 KiB) or
// 256 (1 MiB) pages to use one. The price is a table of 0.1% of the rows (1.4 MiB at
// 1M x 384) and a verified bitmap of 1 bit per block.
inline constexpr uint64_t kVectorsRowsAt = 4096;
inline constexpr uint32_t kVectorBlockBytes = 4096;
// What a reader accepts (a power of two in this range).
inline constexpr uint32_t kMinVectorBlockBytes = 4096;
inline constexpr uint32_t kMaxVectorBlockBytes = 16u << 20;

struct VectorsLayout {
  uint64_t rows_offset;
  uint64_t rows_bytes;
  uint64_t blocks;
  uint64_t table_offset;
  uint64_t file_size;
};
// REQUIRES: rows * stride does not overflow (rows < 2^32, stride < 2^20).
inline VectorsLayout VectorsLayoutFor(uint64_t rows, uint64_t stride, uint32_t block_bytes) {
  VectorsLayout v;
  v.rows_offset = kVectorsRowsAt;
  v.rows_bytes = rows * stride;
  v.blocks = (v.rows_bytes + block_bytes - 1) / block_bytes;
  v.table_offset =
      (v.rows_offset + v.rows_bytes + kSectionAlign - 1) & ~uint64_t{kSectionAlign - 1};
  v.file_size = v.table_offset + v.blocks * sizeof(uint32_t);
  return v;
}

// codes.*
inline constexpr size_t kCodeQuantizationOffset = 40;  // u32: 1 int8, 2 binary
inline constexpr size_t kCodeStrideOffset = 44;        // u32: bytes per row
// 48 and 52: zero (version 1: the int8 range's alpha and beta, f32).
inline constexpr size_t kCodeReadyOffset = 56;        // u32: 0 = untrained, body empty
inline constexpr size_t kCodeParamsBytesOffset = 60;  // u32: quantizer section bytes (v2)

// codes.* body (version 2), when ready:
//   quantizer section  int8: dims f32 scales, then dims f32 offsets
//                      binary: dims f32 centre values
//   zero padding to a kSectionAlign boundary of the file
//   records            rows x stride bytes
inline size_t QuantizerSectionBytes(Quantization q, size_t dims) {
  return (q == Quantization::kInt8 ? 2 : 1) * dims * sizeof(float);
}
// Version 1 int8 records carried an i32 sum before the norm.
inline size_t Version1CodeStride(Quantization q, size_t dims) {
  return q == Quantization::kInt8 ? Int8CodeBytes(dims) + 8 : BinaryStride(dims);
}

// graph.hnsw
inline constexpr size_t kGraphMOffset = 40;                  // u32
inline constexpr size_t kGraphEfConstructOffset = 44;        // u32
inline constexpr size_t kGraphEfSearchOffset = 48;           // u32
inline constexpr size_t kGraphFullScanOffset = 52;           // u32
inline constexpr size_t kGraphDistanceOffset = 56;           // u8
inline constexpr size_t kGraphQuantizationOffset = 57;       // u8: 0 none, 1 int8, 2 binary
inline constexpr size_t kGraphRescoreOffset = 58;            // u8: 0 / 1
inline constexpr size_t kGraphQuantileOffset = 60;           // f32
inline constexpr size_t kGraphOversamplingOffset = 64;       // f32
inline constexpr size_t kGraphBuildThreadsOffset = 68;       // u32
inline constexpr size_t kGraphFilterSelectivityOffset = 72;  // f64
inline constexpr size_t kGraphSeedOffset = 80;               // u64
inline constexpr size_t kGraphEntryOffset = 88;     // u32: 0xFFFFFFFF when empty or unlinked
inline constexpr size_t kGraphMaxLevelOffset = 92;  // i32: -1 when empty or unlinked
inline constexpr size_t kGraphVectorsCrcOffset = 96;         // u32: body CRC of vectors.f32
inline constexpr size_t kGraphCodesCrcOffset = 100;          // u32: body CRC of codes (0: none)
inline constexpr size_t kGraphUpperWordsOffset = 104;        // u64: u32 words of upper lists

inline constexpr size_t AlignSection(size_t n) {
  return (n + kSectionAlign - 1) & ~(kSectionAlign - 1);
}

// graph.hnsw body, each section starting kSectionAlign-aligned (offsets
// from the start of the file):
//   meta    rows bytes: level in bits 0..5, tombstone in bit 7
//   level0  rows x (1 + 2m) u32: count, then ids (words past count unused)
//   upper   for each node with level > 0, in node order:
//           level x (1 + m) u32, levels 1..level, each count then ids
struct GraphLayout {
  size_t meta_offset;
  size_t level0_offset;
  size_t upper_offset;
  size_t file_size;
};
inline GraphLayout GraphLayoutFor(uint64_t rows, uint32_t m, uint64_t upper_words) {
  GraphLayout g;
  g.meta_offset = kHeaderSize;
  g.level0_offset = g.meta_offset + AlignSection(rows);
  g.upper_offset = g.level0_offset + AlignSection(rows * (1 + 2 * uint64_t{m}) * 4);
  g.file_size = g.upper_offset + upper_words * 4;
  return g;
}

// Enum values on disk (explicit, so reordering an enum cannot change files).
inline uint32_t DistanceCode(DistanceKind d) {
  switch (d) {
    case DistanceKind::kCosine:
      return 0;
    case DistanceKind::kDot:
      return 1;
    case DistanceKind::kL2:
      return 2;
  }
  return 0xFF;
}
inline std::optional<DistanceKind> DistanceFromCode(uint32_t code) {
  switch (code) {
    case 0:
      return DistanceKind::kCosine;
    case 1:
      return DistanceKind::kDot;
    case 2:
      return DistanceKind::kL2;
  }
  return std::nullopt;
}
inline uint32_t QuantizationCode(Quantization q) {
  switch (q) {
    case Quantization::kNone:
      return 0;
    case Quantization::kInt8:
      return 1;
    case Quantization::kBinary:
      return 2;
  }
  return 0xFF;
}
inline std::optional<Quantization> QuantizationFromCode(uint32_t code) {
  switch (code) {
    case 0:
      return Quantization::kNone;
    case 1:
      return Quantization::kInt8;
    case 2:
      return Quantization::kBinary;
  }
  return std::nullopt;
}
inline std::string_view CodesFile(Quantization q) {
  return q == Quantization::kBinary ? kBinaryCodesFile : kInt8CodesFile;
}

// A header being built or read.
class Header {
 public:
  std::array<uint8_t, kHeaderSize> bytes{};

  template <typename T>
  void Put(size_t offset, T v) {
    std::memcpy(bytes.data() + offset, &v, sizeof v);
  }
  template <typename T>
  T Get(size_t offset) const {
    T v;
    std::memcpy(&v, bytes.data() + offset, sizeof v);
    return v;
  }
};

}  // namespace quarry::vector::hnsw_format

#endif  // QUARRY_VECTOR_HNSW_FORMAT_H_
