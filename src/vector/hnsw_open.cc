// OpenHnsw (hnsw_file.h): maps and verifies the three index files.
#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "base/crc32c.h"
#include "vector/hnsw_codes.h"
#include "vector/hnsw_file.h"
#include "vector/hnsw_format.h"
#include "vector/hnsw_insert.h"

namespace quarry::vector {
namespace {

namespace fmt = hnsw_format;

struct VerifiedFile {
  MappedFile file;
  fmt::Header header;
  uint32_t body_crc;
  uint32_t version;
  const uint8_t* body() const { return file.data() + fmt::kHeaderSize; }
  uint64_t body_size() const { return file.size() - fmt::kHeaderSize; }
};

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

// The layout a version-3 vectors.f32 header describes, checked against the
// file's size. Runs before the body CRC, on a header whose CRC matched but
// whose values are still untrusted.
Result<fmt::VectorsLayout> VectorsLayoutOf(const fmt::Header& h, uint64_t file_size,
                                           const std::string& path) {
  const auto dims = h.Get<uint32_t>(fmt::kDimsOffset);
  const auto rows = h.Get<uint64_t>(fmt::kRowsOffset);
  const auto block = h.Get<uint32_t>(fmt::kVecBlockBytesOffset);
  if (dims == 0 || dims > kMaxInt8Dims || rows > kMaxHnswRows) {
    return Status::Corruption(path + ": invalid dimensions " + std::to_string(dims) + " or rows " +
                              std::to_string(rows));
  }
  if (!std::has_single_bit(block) || block < fmt::kMinVectorBlockBytes ||
      block > fmt::kMaxVectorBlockBytes) {
    return Status::Corruption(path + ": block size " + std::to_string(block) +
                              " is not a power of two from " +
                              std::to_string(fmt::kMinVectorBlockBytes) + " to " +
                              std::to_string(fmt::kMaxVectorBlockBytes));
  }
  const fmt::VectorsLayout layout = fmt::VectorsLayoutFor(rows, uint64_t{dims} * 4, block);
  if (layout.file_size != file_size) {
    return Status::Corruption(path + ": file is " + std::to_string(file_size) + " bytes, " +
                              std::to_string(rows) + " rows of " + std::to_string(dims) +
                              " dimensions in blocks of " + std::to_string(block) + " need " +
                              std::to_string(layout.file_size));
  }
  return layout;
}

// Checks what every index file shares: size, magic, header CRC, version,
// header size, body size and body CRC.
Result<VerifiedFile> OpenVerified(Env& env, const std::string& path,
                                  const std::array<uint8_t, 8>& magic, const char* kind) {
  auto mapped = env.MapFile(path);
  if (!mapped.ok()) return mapped.status();
  VerifiedFile v{std::move(mapped).value(), {}, 0, 0};
  const uint64_t size = v.file.size();
  if (size < fmt::kHeaderSize) {
    return Status::Corruption(path + ": truncated: " + std::to_string(size) +
                              " bytes, shorter than the " + std::to_string(fmt::kHeaderSize) +
                              "-byte header");
  }
  std::memcpy(v.header.bytes.data(), v.file.data(), fmt::kHeaderSize);
  const fmt::Header& h = v.header;
  if (std::memcmp(h.bytes.data() + fmt::kMagicOffset, magic.data(), magic.size()) != 0) {
    return Status::Corruption(path + ": not an HNSW " + kind + " file (bad magic)");
  }
  const uint32_t header_crc = crc32c::Value(h.bytes.data(), fmt::kHeaderCrcOffset);
  if (header_crc != h.Get<uint32_t>(fmt::kHeaderCrcOffset)) {
    return Status::Corruption(path + ": header checksum mismatch (stored " +
                              Hex(h.Get<uint32_t>(fmt::kHeaderCrcOffset)) + ", computed " +
                              Hex(header_crc) + ")");
  }
  const auto version = h.Get<uint32_t>(fmt::kVersionOffset);
  if (version > fmt::kVersion) {
    return Status::NotSupported(path + ": format version " + std::to_string(version) +
                                " is newer than this build reads (" +
                                std::to_string(fmt::kVersion) + "); upgrade Quarry");
  }
  if (version < fmt::kOldestReadableVersion) {
    return Status::Corruption(path + ": unknown format version " + std::to_string(version) +
                              " (this build reads versions " +
                              std::to_string(fmt::kOldestReadableVersion) + " to " +
                              std::to_string(fmt::kVersion) + ")");
  }
  v.version = version;
  if (h.Get<uint32_t>(fmt::kHeaderSizeOffset) != fmt::kHeaderSize) {
    return Status::Corruption(path + ": header size " +
                              std::to_string(h.Get<uint32_t>(fmt::kHeaderSizeOffset)) +
                              ", expected " + std::to_string(fmt::kHeaderSize));
  }
  const auto body = h.Get<uint64_t>(fmt::kBodySizeOffset);
  if (body != size - fmt::kHeaderSize) {
    const bool short_file = body > size - fmt::kHeaderSize;
    return Status::Corruption(path + (short_file ? ": truncated: " : ": trailing bytes: ") +
                              "file is " + std::to_string(size) + " bytes, header says " +
                              std::to_string(fmt::kHeaderSize) + " + " + std::to_string(body));
  }
  // Version-3 vectors: the body CRC covers the block table only; the rows
  // are checked block by block on first touch (LoadVectors).
  uint64_t crc_from = fmt::kHeaderSize;
  if (magic == fmt::kVectorsMagic && version >= fmt::kFirstBlockCrcVersion) {
    QUARRY_ASSIGN_OR_RETURN(const fmt::VectorsLayout layout, VectorsLayoutOf(h, size, path));
    crc_from = layout.table_offset;
  }
  v.body_crc = crc32c::Value(v.file.data() + crc_from, size - crc_from);
  if (v.body_crc != h.Get<uint32_t>(fmt::kBodyCrcOffset)) {
    return Status::Corruption(path + ": body checksum mismatch (stored " +
                              Hex(h.Get<uint32_t>(fmt::kBodyCrcOffset)) + ", computed " +
                              Hex(v.body_crc) + ")");
  }
  return v;
}

Status Bad(const std::string& path, const std::string& what) {
  return Status::Corruption(path + ": " + what);
}

// The three files of one save share a version.
Status CheckSameVersion(const VerifiedFile& f, uint32_t graph_version, const std::string& path) {
  if (f.version == graph_version) return Status::Ok();
  return Bad(path, "format version " + std::to_string(f.version) + ", but graph.hnsw has version " +
                       std::to_string(graph_version) + ": the files come from different saves");
}

Result<HnswConfig> ReadConfig(const fmt::Header& h, const std::string& path) {
  HnswConfig c;
  const auto distance = fmt::DistanceFromCode(h.Get<uint8_t>(fmt::kGraphDistanceOffset));
  const auto quantization =
      fmt::QuantizationFromCode(h.Get<uint8_t>(fmt::kGraphQuantizationOffset));
  if (!distance) return Bad(path, "unknown distance code");
  if (!quantization) return Bad(path, "unknown quantization code");
  c.distance = *distance;
  c.quantization = *quantization;
  c.m = h.Get<uint32_t>(fmt::kGraphMOffset);
  c.ef_construct = h.Get<uint32_t>(fmt::kGraphEfConstructOffset);
  c.ef_search = h.Get<uint32_t>(fmt::kGraphEfSearchOffset);
  c.full_scan_threshold = h.Get<uint32_t>(fmt::kGraphFullScanOffset);
  c.rescore = h.Get<uint8_t>(fmt::kGraphRescoreOffset) != 0;
  c.quantile = h.Get<float>(fmt::kGraphQuantileOffset);
  c.oversampling = h.Get<float>(fmt::kGraphOversamplingOffset);
  c.build_threads = h.Get<uint32_t>(fmt::kGraphBuildThreadsOffset);
  c.exact_filter_selectivity = h.Get<double>(fmt::kGraphFilterSelectivityOffset);
  c.seed = h.Get<uint64_t>(fmt::kGraphSeedOffset);
  Status valid = ValidateHnswConfig(c);
  if (!valid.ok()) return Bad(path, "invalid config: " + valid.message());
  return c;
}

// Checks one list: count within capacity, ids in range and living on `level`.
Status CheckList(const uint32_t* list, uint32_t cap, int level, uint32_t node, uint64_t rows,
                 const uint8_t* meta, const std::string& path) {
  const uint32_t n = list[0];
  if (n > cap) {
    return Bad(path, "node " + std::to_string(node) + " has " + std::to_string(n) +
                         " links on level " + std::to_string(level) + ", capacity " +
                         std::to_string(cap));
  }
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t id = list[1 + i];
    if (id >= rows) {
      return Bad(path, "node " + std::to_string(node) + " links to node " + std::to_string(id) +
                           ", past the " + std::to_string(rows) + " rows");
    }
    if ((meta[id] & 0x3F) < level) {
      return Bad(path, "node " + std::to_string(node) + " links on level " + std::to_string(level) +
                           " to node " + std::to_string(id) + ", which lives only up to level " +
                           std::to_string(meta[id] & 0x3F));
    }
  }
  return Status::Ok();
}

Status LoadGraph(HnswState& s, const VerifiedFile& f, uint64_t rows, const std::string& path) {
  const fmt::Header& h = f.header;
  const uint32_t m = s.config.m;
  const auto upper_words = h.Get<uint64_t>(fmt::kGraphUpperWordsOffset);
  if (upper_words > f.file.size()) return Bad(path, "upper-level word count past the file");
  const fmt::GraphLayout layout = fmt::GraphLayoutFor(rows, m, upper_words);
  if (layout.file_size != f.file.size()) {
    return Bad(path, "file is " + std::to_string(f.file.size()) + " bytes, " +
                         std::to_string(rows) + " nodes with m = " + std::to_string(m) + " need " +
                         std::to_string(layout.file_size));
  }
  const uint8_t* meta = f.file.data() + layout.meta_offset;
  int top = -1;
  uint32_t removed = 0;
  uint64_t need_upper = 0;
  for (uint64_t node = 0; node < rows; ++node) {
    const uint8_t b = meta[node];
    const int level = b & 0x3F;
    if ((b & 0x40) != 0 || level > kMaxGraphLevel) {
      return Bad(
          path, "node " + std::to_string(node) + " has invalid metadata byte " + std::to_string(b));
    }
    top = std::max(top, level);
    removed += (b & 0x80) != 0;
    need_upper += static_cast<uint64_t>(level) * (1 + m);
  }
  if (need_upper != upper_words) {
    return Bad(path, "upper-level links hold " + std::to_string(upper_words) +
                         " words, the node levels need " + std::to_string(need_upper));
  }
  const auto entry = h.Get<uint32_t>(fmt::kGraphEntryOffset);
  const auto max_level = h.Get<int32_t>(fmt::kGraphMaxLevelOffset);
  // Version 4 may leave rows unlinked (no entry point, every node on level
  // 0; hnsw_format.h): such an index is only ever scanned exactly.
  const bool unlinked = rows > 0 && f.version >= fmt::kFirstUnlinkedVersion && entry == kNoNode &&
                        max_level == -1 && top == 0;
  if ((rows == 0 || unlinked)
          ? (entry != kNoNode || max_level != -1)
          : (entry >= rows || max_level != top || (meta[entry] & 0x3F) != top)) {
    return Bad(path, "entry point " + std::to_string(entry) + " at level " +
                         std::to_string(max_level) + " does not match the nodes (top level " +
                         std::to_string(top) + ")");
  }

  // Every list a traversal may read, before anything reads it.
  const auto* level0 = reinterpret_cast<const uint32_t*>(f.file.data() + layout.level0_offset);
  const size_t stride0 = 1 + 2 * size_t{m};
  for (uint64_t node = 0; node < rows; ++node) {
    QUARRY_RETURN_IF_ERROR(CheckList(level0 + node * stride0, 2 * m, 0, static_cast<uint32_t>(node),
                                     rows, meta, path));
    if (unlinked && level0[node * stride0] != 0) {
      return Bad(path, "node " + std::to_string(node) + " has links in an unlinked graph");
    }
  }
  const auto* upper = reinterpret_cast<const uint32_t*>(f.file.data() + layout.upper_offset);
  size_t at = 0;
  for (uint64_t node = 0; node < rows; ++node) {
    const int level = meta[node] & 0x3F;
    for (int l = 1; l <= level; ++l, at += 1 + m) {
      QUARRY_RETURN_IF_ERROR(
          CheckList(upper + at, m, l, static_cast<uint32_t>(node), rows, meta, path));
    }
  }

  HnswGraph& g = s.graph;
  QUARRY_RETURN_IF_ERROR(g.RestoreMeta({meta, rows}));
  QUARRY_RETURN_IF_ERROR(g.RestoreUpper({upper, upper_words}, rows));
  g.RestoreLevel0View(f.file.data() + layout.level0_offset, rows);
  if (rows > 0 && !unlinked) g.SetEntry({entry, max_level});
  s.removed.store(removed, std::memory_order_relaxed);
  return Status::Ok();
}

// Bytes [from, to) of the mapping are all zero (paddings no CRC covers).
Status CheckZero(const VerifiedFile& f, uint64_t from, uint64_t to, const std::string& path) {
  for (uint64_t i = from; i < to; ++i) {
    if (f.file.data()[i] != 0) {
      return Bad(path, "padding byte at offset " + std::to_string(i) + " is not zero");
    }
  }
  return Status::Ok();
}

// Maps or copies the rows. Version 3 rows come with a block CRC table:
// mapped, they are checked on first touch (the state decides after the
// codes are loaded whether that is safe: see OpenHnsw); copied, they are
// checked now, since copying reads them all anyway. Version 1 and 2 rows
// were covered by the body CRC that OpenVerified checked.
Status LoadVectors(Env& env, HnswState& s, const std::string& dir, uint64_t rows,
                   uint32_t expected_crc, uint32_t version, bool map_vectors) {
  const std::string path = dir + "/" + std::string(fmt::kVectorsFile);
  QUARRY_ASSIGN_OR_RETURN(VerifiedFile f, OpenVerified(env, path, fmt::kVectorsMagic, "vectors"));
  QUARRY_RETURN_IF_ERROR(CheckSameVersion(f, version, path));
  const fmt::Header& h = f.header;
  // The CRC first: a file of another save is the likely cause of any mismatch.
  if (f.body_crc != expected_crc) {
    return Bad(path, "comes from a different save than graph.hnsw (body CRC " + Hex(f.body_crc) +
                         ", graph expects " + Hex(expected_crc) + ")");
  }
  if (h.Get<uint32_t>(fmt::kDimsOffset) != s.dims || h.Get<uint64_t>(fmt::kRowsOffset) != rows ||
      h.Get<uint32_t>(fmt::kVecDistanceOffset) != fmt::DistanceCode(s.config.distance)) {
    return Bad(path, "dimensions, rows or distance differ from the graph file's");
  }
  const uint8_t* first_row = f.body();
  if (version >= fmt::kFirstBlockCrcVersion) {
    // OpenVerified checked that the size matches this layout.
    const auto block = h.Get<uint32_t>(fmt::kVecBlockBytesOffset);
    const fmt::VectorsLayout layout = fmt::VectorsLayoutFor(rows, s.vectors.stride(), block);
    QUARRY_RETURN_IF_ERROR(CheckZero(f, fmt::kHeaderSize, layout.rows_offset, path));
    QUARRY_RETURN_IF_ERROR(
        CheckZero(f, layout.rows_offset + layout.rows_bytes, layout.table_offset, path));
    first_row = f.file.data() + layout.rows_offset;
    s.vector_blocks =
        std::make_unique<VectorBlocks>(path, first_row, layout.rows_bytes, layout.rows_offset,
                                       block, f.file.data() + layout.table_offset);
    if (map_vectors) {
      QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file,
                              env.NewRandomAccessFile(path));
      s.pread_rows =
          std::make_unique<PreadRows>(std::move(file), *s.vector_blocks, s.vectors.stride());
    }
  } else if (f.body_size() != rows * s.vectors.stride()) {
    return Bad(path, "body is " + std::to_string(f.body_size()) + " bytes, expected " +
                         std::to_string(rows * s.vectors.stride()));
  }
  if (map_vectors) {
    // Rescoring reads a few rows per query at random: no read-ahead.
    f.file.Advise(MappedFile::Access::kRandom);
    s.vectors.InitView(first_row, rows);
    s.mappings.push_back(std::move(f.file));
  } else {
    QUARRY_RETURN_IF_ERROR(s.CheckAllVectors());
    s.vector_blocks.reset();  // the table lives in the mapping dropped below
    QUARRY_RETURN_IF_ERROR(s.vectors.Reserve(rows));
    s.vectors.CopyIn(0, first_row, rows);
  }
  return Status::Ok();
}

// Version 2: the quantizer section, then the records, used in place.
Status LoadCodesV2(HnswState& s, VerifiedFile& f, uint64_t rows, const std::string& path,
                   bool map_codes) {
  const fmt::Header& h = f.header;
  const Quantization q = s.config.quantization;
  if (h.Get<uint32_t>(fmt::kCodeStrideOffset) != s.codes.stride()) {
    return Bad(path, "stride " + std::to_string(h.Get<uint32_t>(fmt::kCodeStrideOffset)) +
                         ", expected " + std::to_string(s.codes.stride()));
  }
  const bool ready = h.Get<uint32_t>(fmt::kCodeReadyOffset) != 0;
  const size_t params_bytes = ready ? fmt::QuantizerSectionBytes(q, s.dims) : 0;
  if (h.Get<uint32_t>(fmt::kCodeParamsBytesOffset) != params_bytes) {
    return Bad(path, "quantizer section of " +
                         std::to_string(h.Get<uint32_t>(fmt::kCodeParamsBytesOffset)) +
                         " bytes, expected " + std::to_string(params_bytes));
  }
  const uint64_t records_at = ready ? fmt::AlignSection(params_bytes) : 0;
  const uint64_t expected = ready ? records_at + rows * s.codes.stride() : 0;
  if (f.body_size() != expected) {
    return Bad(path, "body is " + std::to_string(f.body_size()) + " bytes, expected " +
                         std::to_string(expected));
  }
  if (!ready) return Status::Ok();

  // Copied out of the mapping: the arrays are small and memcpy avoids
  // trusting the file's alignment.
  auto floats = [&](size_t first) {
    std::vector<float> v(s.dims);
    std::memcpy(v.data(), f.body() + first * sizeof(float), s.dims * sizeof(float));
    return v;
  };
  if (q == Quantization::kInt8) {
    auto scalar = ScalarQuantizer::FromParams(floats(0), floats(s.dims));
    if (!scalar.ok()) return Bad(path, "invalid int8 ranges: " + scalar.status().message());
    s.scalar = std::move(scalar).value();
  } else {
    auto binary = BinaryQuantizer::FromCentre(floats(0));
    if (!binary.ok()) return Bad(path, "invalid binary centre: " + binary.status().message());
    s.binary = std::move(binary).value();
  }
  s.codes.InitView(f.body() + records_at, rows);
  if (map_codes) {
    f.file.Advise(MappedFile::Access::kWillNeed);  // codes are walked on every search
    s.mappings.push_back(std::move(f.file));
  } else {
    // always_ram: copied into the index's own memory; the mapping goes.
    f.file.Advise(MappedFile::Access::kSequential);
    QUARRY_RETURN_IF_ERROR(s.codes.MakeOwned());
  }
  s.codes_ready.store(true, std::memory_order_release);
  return Status::Ok();
}

// Version 1 codes came from a single int8 range or raw sign bits. The file
// is verified like any other, then its codes are dropped and re-derived from
// the vectors with this version's quantizers, which is what makes int8 work
// on uncentred data and binary work at all there. Saving writes version 2.
Status LoadCodesV1(HnswState& s, const VerifiedFile& f, uint64_t rows, const std::string& path) {
  const fmt::Header& h = f.header;
  const size_t stride = fmt::Version1CodeStride(s.config.quantization, s.dims);
  if (h.Get<uint32_t>(fmt::kCodeStrideOffset) != stride) {
    return Bad(path, "stride " + std::to_string(h.Get<uint32_t>(fmt::kCodeStrideOffset)) +
                         ", expected " + std::to_string(stride) + " in format version 1");
  }
  const bool ready = h.Get<uint32_t>(fmt::kCodeReadyOffset) != 0;
  const uint64_t expected = ready ? rows * stride : 0;
  if (f.body_size() != expected) {
    return Bad(path, "body is " + std::to_string(f.body_size()) + " bytes, expected " +
                         std::to_string(expected));
  }
  QUARRY_RETURN_IF_ERROR(s.codes.Reserve(rows));
  Status encoded = TrainAndEncode(s, 0, rows, /*threads=*/0);
  if (!encoded.ok()) return encoded.WithContext(path + ": re-encoding version 1 codes");
  return Status::Ok();
}

Status LoadCodes(Env& env, HnswState& s, const std::string& dir, uint64_t rows,
                 uint32_t expected_crc, uint32_t version, bool map_codes) {
  const std::string path = dir + "/" + std::string(fmt::CodesFile(s.config.quantization));
  QUARRY_ASSIGN_OR_RETURN(VerifiedFile f, OpenVerified(env, path, fmt::kCodesMagic, "codes"));
  QUARRY_RETURN_IF_ERROR(CheckSameVersion(f, version, path));
  const fmt::Header& h = f.header;
  if (f.body_crc != expected_crc) {
    return Bad(path, "comes from a different save than graph.hnsw (body CRC " + Hex(f.body_crc) +
                         ", graph expects " + Hex(expected_crc) + ")");
  }
  if (h.Get<uint32_t>(fmt::kDimsOffset) != s.dims || h.Get<uint64_t>(fmt::kRowsOffset) != rows ||
      h.Get<uint32_t>(fmt::kCodeQuantizationOffset) !=
          fmt::QuantizationCode(s.config.quantization)) {
    return Bad(path, "dimensions, rows or quantization differ from the graph file's");
  }
  return version == 1 ? LoadCodesV1(s, f, rows, path) : LoadCodesV2(s, f, rows, path, map_codes);
}

}  // namespace

Result<std::unique_ptr<HnswState>> OpenHnsw(Env& env, const std::string& dir,
                                            const HnswOpenOptions& options) {
  const std::string path = dir + "/" + std::string(fmt::kGraphFile);
  QUARRY_ASSIGN_OR_RETURN(VerifiedFile graph, OpenVerified(env, path, fmt::kGraphMagic, "graph"));
  const fmt::Header& h = graph.header;
  QUARRY_ASSIGN_OR_RETURN(const HnswConfig config, ReadConfig(h, path));
  const auto dims = h.Get<uint32_t>(fmt::kDimsOffset);
  const auto rows = h.Get<uint64_t>(fmt::kRowsOffset);
  if (dims == 0 || dims > kMaxInt8Dims) {
    return Bad(path, "invalid dimensions " + std::to_string(dims));
  }
  if (rows > kMaxHnswRows) return Bad(path, "invalid row count " + std::to_string(rows));

  auto state = std::make_unique<HnswState>(dims, config);
  QUARRY_RETURN_IF_ERROR(LoadGraph(*state, graph, rows, path));
  QUARRY_RETURN_IF_ERROR(LoadVectors(env, *state, dir, rows,
                                     h.Get<uint32_t>(fmt::kGraphVectorsCrcOffset), graph.version,
                                     options.map_vectors));
  if (state->quantized()) {
    QUARRY_RETURN_IF_ERROR(LoadCodes(env, *state, dir, rows,
                                     h.Get<uint32_t>(fmt::kGraphCodesCrcOffset), graph.version,
                                     options.map_codes));
  }
  // Rows checked on first touch only when searches read nothing but the
  // rows they rescore: without trained codes, the graph is walked on the
  // float32 rows themselves, so they are resident by design and checked now.
  if (!state->quantized() || !state->codes_ready.load(std::memory_order_relaxed)) {
    QUARRY_RETURN_IF_ERROR(state->CheckAllVectors());
    state->pread_rows.reset();
    state->vector_blocks.reset();
  }
  if (options.map_graph) {
    graph.file.Advise(MappedFile::Access::kWillNeed);
    state->mappings.push_back(std::move(graph.file));
  } else {
    // on_disk_graph = false: the level-0 lists are copied into the graph's
    // own memory (the rest was copied by LoadGraph); the mapping goes.
    QUARRY_RETURN_IF_ERROR(state->graph.MakeLevel0Owned());
  }
  state->rows.store(static_cast<uint32_t>(rows), std::memory_order_release);
  return state;
}

}  // namespace quarry::vector
