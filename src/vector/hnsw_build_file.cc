// HnswIndex::BuildFile: an index built on disk, its full-precision rows never
// held in memory. Segments of a collection are built this way (seals and
// merges): the rows go from their source to vectors.f32 a batch at a time,
// the file is mapped, and the graph is linked over the mapping, so the
// build's own memory is the graph, the codes and one batch, whatever the
// segment's size (docs/design/storage-engine.md, "Building a segment").
#include <algorithm>
#include <string>
#include <vector>

#include "vector/distance.h"
#include "vector/hnsw_file.h"
#include "vector/hnsw_format.h"
#include "vector/hnsw_index.h"
#include "vector/hnsw_insert.h"
#include "vector/hnsw_state.h"

namespace quarry::vector {
namespace {

namespace fmt = hnsw_format;

// Rows read from the source per call: about 4 MiB of floats.
constexpr size_t kBatchBytes = size_t{4} << 20;

// Writes rows [0, rows) of `source` to `path`, normalized for cosine, as
// format `version`. Returns the body CRC.
Result<uint32_t> WriteVectors(Env& env, const std::string& path, uint32_t dims,
                              DistanceKind distance, size_t rows, const RowSource& source,
                              uint32_t version) {
  QUARRY_ASSIGN_OR_RETURN(VectorsFileWriter writer, VectorsFileWriter::Create(env, path));
  const size_t batch_rows = std::max<size_t>(1, kBatchBytes / (size_t{dims} * sizeof(float)));
  std::vector<float> batch(std::min(rows, batch_rows) * dims);
  for (size_t first = 0; first < rows; first += batch_rows) {
    const size_t n = std::min(batch_rows, rows - first);
    const std::span<float> out(batch.data(), n * dims);
    QUARRY_RETURN_IF_ERROR(source(first, out));
    for (size_t i = 0; i < n; ++i) {
      const std::span<float> row = out.subspan(i * dims, dims);
      if (!AllFinite(row)) {
        return Status::InvalidArgument("vector " + std::to_string(first + i) +
                                       " of the build contains NaN or infinity");
      }
      if (distance == DistanceKind::kCosine) NormalizeL2(row);
    }
    QUARRY_RETURN_IF_ERROR(
        writer.Append(reinterpret_cast<const uint8_t*>(out.data()), out.size_bytes()));
  }
  return writer.Finish(dims, rows, distance, version);
}

// Whether a linked build of `rows` rows can start from `seed`'s graph
// (BuildFile's `seed`).
bool CanSeed(const HnswState& seed, uint32_t seed_rows, uint32_t dims, const HnswConfig& config,
             size_t rows) {
  return seed.dims == dims && seed.config.m == config.m &&
         seed.config.distance == config.distance && seed_rows > 0 && seed_rows <= rows &&
         seed.rows.load(std::memory_order_acquire) == seed_rows && !seed.unlinked() &&
         seed.removed.load(std::memory_order_acquire) == 0;
}

}  // namespace

Status HnswIndex::BuildFile(Env& env, const std::string& dir, uint32_t dimensions,
                            const HnswConfig& config, size_t rows, const RowSource& source,
                            const HnswBuildOptions& options) {
  const std::atomic<bool>* cancel = options.cancel;
  if (options.seeded_rows != nullptr) *options.seeded_rows = 0;
  // The same checks as Create + AddBatch.
  if (dimensions == 0 || dimensions > kMaxInt8Dims) {
    return Status::InvalidArgument("hnsw: dimensions must be between 1 and " +
                                   std::to_string(kMaxInt8Dims) + ", got " +
                                   std::to_string(dimensions));
  }
  QUARRY_RETURN_IF_ERROR(ValidateHnswConfig(config));
  if (rows > kMaxHnswRows) return Status::ResourceExhausted("hnsw: index is full");

  QUARRY_RETURN_IF_ERROR(CreateIndexDir(env, dir));
  const std::string path = dir + "/" + std::string(fmt::kVectorsFile);
  const RowSource cancellable = [&](size_t first, std::span<float> out) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return Status::Unavailable("hnsw: build cancelled");
    }
    return source(first, out);
  };
  // Fewer rows than the full-scan threshold: every search scans them
  // exactly, so no graph is built (format version 4; hnsw_format.h).
  const bool unlinked = rows > 0 && rows < config.full_scan_threshold;
  QUARRY_ASSIGN_OR_RETURN(const uint32_t vectors_crc,
                          WriteVectors(env, path, dimensions, config.distance, rows, cancellable,
                                       fmt::VersionToWrite(unlinked)));

  HnswState state(dimensions, config);
  if (rows > 0) {
    QUARRY_ASSIGN_OR_RETURN(MappedFile mapped, env.MapFile(path));
    const fmt::VectorsLayout layout =
        fmt::VectorsLayoutFor(rows, state.vectors.stride(), fmt::kVectorBlockBytes);
    if (mapped.size() != layout.file_size) {
      return Status::IOError(path + ": " + std::to_string(mapped.size()) +
                             " bytes after writing, expected " +
                             std::to_string(layout.file_size));
    }
    state.vectors.InitView(mapped.data() + layout.rows_offset, rows);
    state.mappings.push_back(std::move(mapped));
    if (state.quantized()) QUARRY_RETURN_IF_ERROR(state.codes.Reserve(rows));
    QUARRY_RETURN_IF_ERROR(state.graph.Reserve(rows));
    if (unlinked) {
      QUARRY_RETURN_IF_ERROR(
          StoreRowsUnlinked(state, 0, static_cast<uint32_t>(rows), config.build_threads));
    } else {
      uint32_t first = 0;
      if (options.seed != nullptr &&
          CanSeed(*options.seed->impl_->state, options.seed_rows, dimensions, config, rows)) {
        first = options.seed_rows;
        CopyGraph(state, options.seed->impl_->state->graph, first);
      }
      QUARRY_RETURN_IF_ERROR(
          LinkStoredRows(state, first, static_cast<uint32_t>(rows), config.build_threads, cancel));
      if (options.seeded_rows != nullptr) *options.seeded_rows = first;
    }
  }
  return SaveHnswCodesAndGraph(env, state, dir, vectors_crc);
}

}  // namespace quarry::vector
