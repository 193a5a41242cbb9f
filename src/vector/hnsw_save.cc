// SaveHnsw (hnsw_file.h): streams the three index files.
#include <algorithm>
#include <string>
#include <vector>

#include "base/crc32c.h"
#include "vector/atomic_file_writer.h"
#include "vector/hnsw_file.h"
#include "vector/hnsw_format.h"

namespace quarry::vector {
namespace {

namespace fmt = hnsw_format;

// Appends a header placeholder, then a body whose size and CRC it tracks,
// then patches the header and commits.
class FileBuilder {
 public:
  static Result<FileBuilder> Create(Env& env, const std::string& path) {
    auto w = AtomicFileWriter::Create(env, path);
    if (!w.ok()) return w.status();
    FileBuilder b(std::move(w).value());
    static constexpr uint8_t kZeros[fmt::kHeaderSize] = {};
    QUARRY_RETURN_IF_ERROR(b.writer_.Append(kZeros, sizeof kZeros));
    return b;
  }

  Status Body(const void* p, size_t n) {
    crc_ = crc32c::Extend(crc_, p, n);
    return writer_.Append(p, n);
  }
  // Body bytes the header's body CRC does not cover (vectors.f32: its rows
  // and paddings, which the block table covers or the reader checks).
  Status Unsummed(const void* p, size_t n) { return writer_.Append(p, n); }
  // Zero bytes up to the next section boundary.
  Status Align(bool summed = true) {
    static constexpr uint8_t kZeros[fmt::kSectionAlign] = {};
    const size_t pad = fmt::AlignSection(writer_.size()) - writer_.size();
    if (pad == 0) return Status::Ok();
    return summed ? Body(kZeros, pad) : Unsummed(kZeros, pad);
  }
  size_t size() const { return writer_.size(); }
  uint32_t body_crc() const { return crc_; }

  // Fills the common fields of `h`, writes it, and commits the file.
  Status Finish(fmt::Header& h, const std::array<uint8_t, 8>& magic, uint32_t version) {
    std::memcpy(h.bytes.data() + fmt::kMagicOffset, magic.data(), magic.size());
    h.Put<uint32_t>(fmt::kVersionOffset, version);
    h.Put<uint32_t>(fmt::kHeaderSizeOffset, fmt::kHeaderSize);
    h.Put<uint64_t>(fmt::kBodySizeOffset, writer_.size() - fmt::kHeaderSize);
    h.Put<uint32_t>(fmt::kBodyCrcOffset, crc_);
    h.Put<uint32_t>(fmt::kHeaderCrcOffset, crc32c::Value(h.bytes.data(), fmt::kHeaderCrcOffset));
    QUARRY_RETURN_IF_ERROR(writer_.WriteAt(0, h.bytes.data(), h.bytes.size()));
    return writer_.Commit();
  }

 private:
  explicit FileBuilder(AtomicFileWriter w) : writer_(std::move(w)) {}
  AtomicFileWriter writer_;
  uint32_t crc_ = 0;
};

Status WriteRows(FileBuilder& b, const SegmentedRows& store, size_t rows) {
  Status status;
  store.ForEachRun(rows, [&](const uint8_t* p, size_t n) {
    if (status.ok()) status = b.Body(p, n * store.stride());
  });
  return status;
}

// CRC-32C of each fixed-size block of a byte stream that arrives in runs of
// any length.
class BlockCrcs {
 public:
  explicit BlockCrcs(uint32_t block_bytes) : block_bytes_(block_bytes) {}
  void Add(const uint8_t* p, size_t n) {
    while (n > 0) {
      const size_t take = std::min<size_t>(n, block_bytes_ - filled_);
      crc_ = crc32c::Extend(crc_, p, take);
      filled_ += take;
      p += take;
      n -= take;
      if (filled_ == block_bytes_) Flush();
    }
  }
  // The CRCs, the last (partial) block included.
  std::vector<uint32_t> Finish() {
    if (filled_ > 0) Flush();
    return std::move(crcs_);
  }

 private:
  void Flush() {
    crcs_.push_back(crc_);
    crc_ = 0;
    filled_ = 0;
  }
  const uint32_t block_bytes_;
  uint32_t filled_ = 0;
  uint32_t crc_ = 0;
  std::vector<uint32_t> crcs_;
};

Result<uint32_t> SaveVectors(Env& env, const HnswState& s, const std::string& path, uint32_t rows) {
  QUARRY_ASSIGN_OR_RETURN(VectorsFileWriter w, VectorsFileWriter::Create(env, path));
  Status status;
  s.vectors.ForEachRun(rows, [&](const uint8_t* p, size_t n) {
    if (status.ok()) status = w.Append(p, n * s.vectors.stride());
  });
  QUARRY_RETURN_IF_ERROR(status);
  return w.Finish(s.dims, rows, s.config.distance, fmt::VersionToWrite(s.unlinked()));
}

// The quantizer section of the codes file: int8 scales then offsets, or the
// binary centre.
Status WriteQuantizer(FileBuilder& b, const HnswState& s) {
  if (s.scalar.has_value()) {
    QUARRY_RETURN_IF_ERROR(b.Body(s.scalar->scales().data(), s.scalar->scales().size_bytes()));
    return b.Body(s.scalar->offsets().data(), s.scalar->offsets().size_bytes());
  }
  return b.Body(s.binary->centre().data(), s.binary->centre().size_bytes());
}

Result<uint32_t> SaveCodes(Env& env, const HnswState& s, const std::string& path, uint32_t rows) {
  QUARRY_ASSIGN_OR_RETURN(FileBuilder b, FileBuilder::Create(env, path));
  const bool ready = s.codes_ready.load(std::memory_order_acquire);
  uint32_t params_bytes = 0;
  if (ready) {
    params_bytes = static_cast<uint32_t>(fmt::QuantizerSectionBytes(s.config.quantization, s.dims));
    QUARRY_RETURN_IF_ERROR(WriteQuantizer(b, s));
    QUARRY_RETURN_IF_ERROR(b.Align());
    QUARRY_RETURN_IF_ERROR(WriteRows(b, s.codes, rows));
  }
  fmt::Header h;
  h.Put<uint32_t>(fmt::kDimsOffset, s.dims);
  h.Put<uint64_t>(fmt::kRowsOffset, rows);
  h.Put<uint32_t>(fmt::kCodeQuantizationOffset, fmt::QuantizationCode(s.config.quantization));
  h.Put<uint32_t>(fmt::kCodeStrideOffset, static_cast<uint32_t>(s.codes.stride()));
  h.Put<uint32_t>(fmt::kCodeReadyOffset, ready ? 1 : 0);
  h.Put<uint32_t>(fmt::kCodeParamsBytesOffset, params_bytes);
  const uint32_t crc = b.body_crc();
  QUARRY_RETURN_IF_ERROR(b.Finish(h, fmt::kCodesMagic, fmt::VersionToWrite(s.unlinked())));
  return crc;
}

Status SaveGraph(Env& env, const HnswState& s, const std::string& path, uint32_t rows,
                 uint32_t vectors_crc, uint32_t codes_crc) {
  const HnswGraph& g = s.graph;
  QUARRY_ASSIGN_OR_RETURN(FileBuilder b, FileBuilder::Create(env, path));
  QUARRY_RETURN_IF_ERROR(WriteRows(b, g.meta_rows(), rows));
  QUARRY_RETURN_IF_ERROR(b.Align());
  QUARRY_RETURN_IF_ERROR(WriteRows(b, g.level0_rows(), rows));
  QUARRY_RETURN_IF_ERROR(b.Align());
  uint64_t upper_words = 0;
  for (uint32_t node = 0; node < rows; ++node) {
    const int level = g.Level(node);
    if (level == 0) continue;
    const size_t words = static_cast<size_t>(level) * (1 + g.m());
    QUARRY_RETURN_IF_ERROR(b.Body(g.Links(node, 1), words * sizeof(uint32_t)));
    upper_words += words;
  }

  const HnswConfig& c = s.config;
  const HnswGraph::Entry entry = g.entry();
  fmt::Header h;
  h.Put<uint32_t>(fmt::kDimsOffset, s.dims);
  h.Put<uint64_t>(fmt::kRowsOffset, rows);
  h.Put<uint32_t>(fmt::kGraphMOffset, c.m);
  h.Put<uint32_t>(fmt::kGraphEfConstructOffset, c.ef_construct);
  h.Put<uint32_t>(fmt::kGraphEfSearchOffset, c.ef_search);
  h.Put<uint32_t>(fmt::kGraphFullScanOffset, c.full_scan_threshold);
  h.Put<uint8_t>(fmt::kGraphDistanceOffset, static_cast<uint8_t>(fmt::DistanceCode(c.distance)));
  h.Put<uint8_t>(fmt::kGraphQuantizationOffset,
                 static_cast<uint8_t>(fmt::QuantizationCode(c.quantization)));
  h.Put<uint8_t>(fmt::kGraphRescoreOffset, c.rescore ? 1 : 0);
  h.Put<float>(fmt::kGraphQuantileOffset, c.quantile);
  h.Put<float>(fmt::kGraphOversamplingOffset, c.oversampling);
  h.Put<uint32_t>(fmt::kGraphBuildThreadsOffset, c.build_threads);
  h.Put<double>(fmt::kGraphFilterSelectivityOffset, c.exact_filter_selectivity);
  h.Put<uint64_t>(fmt::kGraphSeedOffset, c.seed);
  h.Put<uint32_t>(fmt::kGraphEntryOffset, entry.node);
  h.Put<int32_t>(fmt::kGraphMaxLevelOffset, entry.level);
  h.Put<uint32_t>(fmt::kGraphVectorsCrcOffset, vectors_crc);
  h.Put<uint32_t>(fmt::kGraphCodesCrcOffset, codes_crc);
  h.Put<uint64_t>(fmt::kGraphUpperWordsOffset, upper_words);
  return b.Finish(h, fmt::kGraphMagic, fmt::VersionToWrite(s.unlinked()));
}

// Creates `dir` and any missing parent, one level at a time through the
// Env, and syncs the parent of each directory it creates: a directory entry
// is durable only once its parent is synced, and the files written into it
// would vanish with it after a power cut.
Status CreateDirs(Env& env, const std::string& dir) {
  size_t slash = dir.find('/', 1);
  while (true) {
    const std::string prefix = dir.substr(0, slash);
    if (!prefix.empty() && !env.FileExists(prefix)) {
      QUARRY_RETURN_IF_ERROR(env.CreateDir(prefix));
      QUARRY_RETURN_IF_ERROR(env.SyncDir(DirName(prefix)));
    }
    if (slash == std::string::npos) return Status::Ok();
    slash = dir.find('/', slash + 1);
  }
}

}  // namespace

// Version 3 (and 4): page padding, the rows, padding, the block CRC table; the body
// CRC is the table's (docs/format/hnsw-index.md).
struct VectorsFileWriter::Impl {
  explicit Impl(FileBuilder b) : builder(std::move(b)) {}
  FileBuilder builder;
  BlockCrcs blocks{fmt::kVectorBlockBytes};
};

VectorsFileWriter::VectorsFileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VectorsFileWriter::VectorsFileWriter(VectorsFileWriter&&) noexcept = default;
VectorsFileWriter::~VectorsFileWriter() = default;

Result<VectorsFileWriter> VectorsFileWriter::Create(Env& env, const std::string& path) {
  QUARRY_ASSIGN_OR_RETURN(FileBuilder b, FileBuilder::Create(env, path));
  static constexpr uint8_t kPage[fmt::kVectorsRowsAt - fmt::kHeaderSize] = {};
  QUARRY_RETURN_IF_ERROR(b.Unsummed(kPage, sizeof kPage));
  return VectorsFileWriter(std::make_unique<Impl>(std::move(b)));
}

Status VectorsFileWriter::Append(const uint8_t* rows, size_t bytes) {
  impl_->blocks.Add(rows, bytes);
  return impl_->builder.Unsummed(rows, bytes);
}

Result<uint32_t> VectorsFileWriter::Finish(uint32_t dims, uint64_t rows, DistanceKind distance,
                                           uint32_t version) {
  FileBuilder& b = impl_->builder;
  QUARRY_RETURN_IF_ERROR(b.Align(/*summed=*/false));
  const std::vector<uint32_t> table = impl_->blocks.Finish();
  QUARRY_RETURN_IF_ERROR(b.Body(table.data(), table.size() * sizeof(uint32_t)));
  fmt::Header h;
  h.Put<uint32_t>(fmt::kDimsOffset, dims);
  h.Put<uint64_t>(fmt::kRowsOffset, rows);
  h.Put<uint32_t>(fmt::kVecDistanceOffset, fmt::DistanceCode(distance));
  h.Put<uint32_t>(fmt::kVecBlockBytesOffset, fmt::kVectorBlockBytes);
  const uint32_t crc = b.body_crc();
  QUARRY_RETURN_IF_ERROR(b.Finish(h, fmt::kVectorsMagic, version));
  return crc;
}

Status CreateIndexDir(Env& env, const std::string& dir) { return CreateDirs(env, dir); }

Status SaveHnswCodesAndGraph(Env& env, const HnswState& s, const std::string& dir,
                             uint32_t vectors_crc) {
  const uint32_t rows = s.rows.load(std::memory_order_acquire);
  uint32_t codes_crc = 0;
  if (s.quantized()) {
    QUARRY_ASSIGN_OR_RETURN(
        codes_crc,
        SaveCodes(env, s, dir + "/" + std::string(fmt::CodesFile(s.config.quantization)), rows));
  }
  return SaveGraph(env, s, dir + "/" + std::string(fmt::kGraphFile), rows, vectors_crc, codes_crc);
}

Status SaveHnsw(Env& env, const HnswState& s, const std::string& dir) {
  // Mapped rows not verified yet: a damaged block must not be written out
  // under fresh checksums.
  QUARRY_RETURN_IF_ERROR(s.CheckAllVectors());
  QUARRY_RETURN_IF_ERROR(CreateDirs(env, dir));
  const uint32_t rows = s.rows.load(std::memory_order_acquire);
  QUARRY_ASSIGN_OR_RETURN(const uint32_t vectors_crc,
                          SaveVectors(env, s, dir + "/" + std::string(fmt::kVectorsFile), rows));
  return SaveHnswCodesAndGraph(env, s, dir, vectors_crc);
}

}  // namespace quarry::vector
