// Creating a collection's files, and opening them again: MANIFEST, sealed
// segments, then the write-ahead log replayed on top (recovery).
#include <algorithm>
#include <set>

#include "embed/embedder_factory.h"
#include "engine/chunk_terms.h"
#include "engine/collection_impl.h"
#include "engine/hnsw_config.h"
#include "engine/state_digest.h"
#include "storage/collection_file.h"
#include "storage/collection_file_format.h"
#include "storage/wal_reader.h"

namespace quarry::engine {
namespace {

constexpr const char* kWalDir = "wal";
constexpr const char* kSegmentsDir = "segments";

// Chunks must fit what the embedder sees whole.
Status CheckChunkingFits(const ChunkingConfig& chunking, const Embedder& embedder) {
  if (chunking.max_tokens > embedder.max_tokens()) {
    return Status::InvalidArgument(
        "chunking.max_tokens (" + std::to_string(chunking.max_tokens) +
        ") is above what the embedder sees whole (" + std::to_string(embedder.max_tokens()) +
        "); longer chunks would be silently truncated");
  }
  if (chunking.target_tokens > embedder.max_tokens()) {
    return Status::InvalidArgument("chunking.target_tokens (" +
                                   std::to_string(chunking.target_tokens) +
                                   ") is above the embedder's maximum input (" +
                                   std::to_string(embedder.max_tokens()) + " tokens)");
  }
  return Status::Ok();
}

// The keyword analyzer must exist for the configured language.
Status CheckAnalyzer(const KeywordConfig& keyword) {
  Result<text::Analyzer> analyzer = text::Analyzer::Create(AnalyzerOptionsFor(keyword));
  if (analyzer.ok()) return Status::Ok();
  return Status::InvalidArgument("keyword.language: " + analyzer.status().message());
}

storage::Manifest EmptyManifest(const CollectionConfig& config, const Embedder& embedder) {
  storage::Manifest m;
  m.config_json = CollectionConfigToJson(config);
  m.embedder_fingerprint = embedder.fingerprint();
  m.dimensions = embedder.dimensions();
  m.state_digest = InitialStateDigest(m.config_json, m.embedder_fingerprint, m.dimensions);
  return m;
}

// Converts a collection in the foundation's single-file format
// (collection.qc) into a MANIFEST and a log holding its documents. Safe to
// interrupt: collection.qc is removed only after the MANIFEST is durable,
// and a rerun starts the log over.
Status ConvertCollectionFile(Env& env, const std::string& dir) {
  QUARRY_ASSIGN_OR_RETURN(storage::CollectionImage image, storage::ReadCollectionFile(dir));
  Result<CollectionConfig> config = CollectionConfigFromJson(image.config_json);
  if (!config.ok()) return Status::Corruption("stored config: " + config.status().message());
  const std::string wal_dir = dir + "/" + kWalDir;
  QUARRY_RETURN_IF_ERROR(env.RemoveDirRecursively(wal_dir));
  QUARRY_RETURN_IF_ERROR(env.CreateDir(wal_dir));
  QUARRY_RETURN_IF_ERROR(env.CreateDir(dir + "/" + kSegmentsDir));
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<storage::WalWriter> wal,
                          storage::WalWriter::Create(env, wal_dir, 1));
  size_t row = 0;
  const uint32_t dims = image.dimensions;
  storage::WriteBatch batch;
  batch.dimensions = dims;
  auto flush = [&]() -> Status {
    if (batch.added.empty()) return Status::Ok();
    batch.generation = image.generation;
    QUARRY_RETURN_IF_ERROR(
        wal->Append(storage::WalRecordType::kWriteBatch, storage::EncodeWriteBatch(batch))
            .status());
    batch.added.clear();
    return Status::Ok();
  };
  size_t batch_bytes = 0;
  for (storage::StoredDocument& d : image.documents) {
    storage::AddedDocument a;
    const size_t floats = d.chunks.size() * dims;
    a.vectors.assign(image.vectors.begin() + static_cast<ptrdiff_t>(row * dims),
                     image.vectors.begin() + static_cast<ptrdiff_t>(row * dims + floats));
    row += d.chunks.size();
    batch_bytes += d.text.size() + floats * sizeof(float);
    a.doc = std::move(d);
    batch.added.push_back(std::move(a));
    if (batch_bytes > (64u << 20)) {
      QUARRY_RETURN_IF_ERROR(flush());
      batch_bytes = 0;
    }
  }
  QUARRY_RETURN_IF_ERROR(flush());
  QUARRY_RETURN_IF_ERROR(wal->Sync());
  storage::Manifest m;
  m.config_json = image.config_json;
  m.embedder_fingerprint = image.embedder_fingerprint;
  m.dimensions = image.dimensions;
  m.state_digest = InitialStateDigest(m.config_json, m.embedder_fingerprint, m.dimensions);
  QUARRY_RETURN_IF_ERROR(storage::WriteManifest(env, dir, m));
  QUARRY_RETURN_IF_ERROR(env.RemoveFile(dir + "/" + storage::kCollectionFileName));
  return env.SyncDir(dir);
}

}  // namespace

Status CollectionImpl::Create(Env& env, const std::string& name, const std::string& dir,
                              const CollectionConfig& config) {
  (void)name;
  QUARRY_RETURN_IF_ERROR(ValidateCollectionConfig(config));
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<Embedder> embedder, embed::MakeEmbedder(config.embedder));
  // The default chunk target (256) shrinks to a model that sees fewer tokens;
  // a target the caller chose is kept, and refused if it does not fit. (A
  // target of exactly 256 cannot be told from the default and shrinks too.)
  CollectionConfig effective = config;
  if (effective.chunking.target_tokens == ChunkingConfig{}.target_tokens) {
    effective.chunking.target_tokens =
        std::min(effective.chunking.target_tokens, embedder->max_tokens());
  }
  QUARRY_RETURN_IF_ERROR(ValidateCollectionConfig(effective));  // a tiny model's target may be too small
  QUARRY_RETURN_IF_ERROR(CheckChunkingFits(effective.chunking, *embedder));
  QUARRY_RETURN_IF_ERROR(CheckAnalyzer(effective.keyword));
  QUARRY_RETURN_IF_ERROR(env.CreateDir(dir + "/" + kWalDir));
  QUARRY_RETURN_IF_ERROR(env.CreateDir(dir + "/" + kSegmentsDir));
  QUARRY_RETURN_IF_ERROR(storage::WriteManifest(env, dir, EmptyManifest(effective, *embedder)));
  return env.SyncDir(dir);
}

Result<std::shared_ptr<CollectionImpl>> CollectionImpl::Open(std::shared_ptr<Env> env,
                                                             std::string name, std::string dir,
                                                             bool background_merges) {
  Env& e = *env;
  if (!e.FileExists(dir + "/" + storage::kManifestFileName) &&
      e.FileExists(dir + "/" + storage::kCollectionFileName)) {
    Status converted = ConvertCollectionFile(e, dir);
    if (!converted.ok()) {
      return converted.WithContext("converting collection '" + name + "' to the log format");
    }
  }
  QUARRY_ASSIGN_OR_RETURN(storage::Manifest manifest, storage::ReadManifest(e, dir));
  Result<CollectionConfig> config = CollectionConfigFromJson(manifest.config_json);
  if (!config.ok()) {
    return Status::Corruption("collection '" + name +
                              "' has an invalid stored config: " + config.status().message());
  }
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<Embedder> embedder,
                          embed::MakeEmbedder(config->embedder));
  if (Status analyzer = CheckAnalyzer(config->keyword); !analyzer.ok()) {
    return Status::Corruption("collection '" + name +
                              "' has an invalid stored config: " + analyzer.message());
  }
  if (embedder->fingerprint() != manifest.embedder_fingerprint ||
      embedder->dimensions() != manifest.dimensions) {
    return Status::FailedPrecondition(
        "collection '" + name + "' was built with embedder '" + manifest.embedder_fingerprint +
        "' but this Quarry builds '" + embedder->fingerprint() +
        "'; its vectors cannot be mixed with new ones (re-ingest into a new collection)");
  }
  std::shared_ptr<CollectionImpl> c(new CollectionImpl(
      std::move(env), std::move(name), std::move(dir), *config, std::move(embedder)));
  c->next_segment_id_ = manifest.next_segment_id;
  c->manifest_lsn_ = manifest.last_lsn;
  c->manifest_generation_ = manifest.generation;
  c->generation_ = manifest.generation;
  c->manifest_state_digest_ =
      manifest.state_digest.empty() ? RandomStateDigest() : manifest.state_digest;
  c->state_digest_ = c->manifest_state_digest_;
  c->applied_lsn_ = manifest.last_lsn;
  QUARRY_RETURN_IF_ERROR(c->LoadSegments(manifest));
  QUARRY_RETURN_IF_ERROR(c->ReplayLog(manifest.last_lsn));
  QUARRY_ASSIGN_OR_RETURN(
      c->wal_, storage::WalWriter::Create(e, c->dir_ + "/" + kWalDir, c->applied_lsn_ + 1));
  c->mutable_rows_.store(c->mutable_->rows(), std::memory_order_relaxed);
  c->seal_requested_ = c->mutable_->rows() >= c->config_.storage.seal_rows;
  c->background_ = std::thread([raw = c.get()] { raw->BackgroundLoop(); });
  if (background_merges) c->merger_ = std::thread([raw = c.get()] { raw->MergeLoop(); });
  return c;
}

Status CollectionImpl::LoadSegments(const storage::Manifest& manifest) {
  Env& e = *env_;
  const std::string segments_dir = dir_ + "/" + kSegmentsDir;
  QUARRY_RETURN_IF_ERROR(e.CreateDir(segments_dir));
  // Directories not listed are leftovers of a seal or merge that did not
  // reach its MANIFEST swap, or of a segment a merge replaced.
  std::set<std::string> listed;
  for (const storage::SegmentEntry& s : manifest.segments) {
    listed.insert(storage::SegmentDirName(dir_, s.id));
  }
  QUARRY_ASSIGN_OR_RETURN(std::vector<std::string> names, e.ListDir(segments_dir));
  for (const std::string& n : names) {
    const std::string path = segments_dir + "/" + n;
    if (listed.count(path) == 0) QUARRY_RETURN_IF_ERROR(e.RemoveDirRecursively(path));
  }
  const storage::SegmentOpenOptions options = SegmentOptions();
  size_t live_documents = 0;
  for (const storage::SegmentEntry& entry : manifest.segments) {
    live_documents +=
        entry.documents - std::min<size_t>(entry.documents, entry.deleted_documents.size());
  }
  documents_.Reserve(live_documents);  // one allocation of the table, not a rehash per doubling
  for (const storage::SegmentEntry& entry : manifest.segments) {
    Result<std::unique_ptr<storage::Segment>> opened =
        storage::Segment::Open(e, dir_, entry.id, options);
    if (!opened.ok()) return opened.status().WithContext("collection '" + name_ + "'");
    std::unique_ptr<storage::Segment> seg = std::move(opened).value();
    if (seg->rows() != entry.rows || seg->store().entries().size() != entry.documents) {
      return Status::Corruption("collection '" + name_ + "': segment " + std::to_string(entry.id) +
                                " does not match its MANIFEST entry");
    }
    for (uint32_t ordinal : entry.deleted_documents) seg->MarkDeleted(ordinal);
    const storage::ChunkStoreEntries& docs = seg->store().entries();
    for (uint32_t o = 0; o < docs.size(); ++o) {
      const storage::ChunkStoreEntry& d = docs[o];
      if (seg->IsDeleted(o)) continue;
      if (!documents_.Insert(d.id, DocRef{nullptr, seg.get(), o}.entry())) {
        return Status::Corruption("collection '" + name_ + "': document '" + d.id +
                                  "' is live in two segments");
      }
      chunk_count_ += d.chunks;
    }
    sealed_.push_back(std::move(seg));
  }
  return Status::Ok();
}

Status CollectionImpl::ReplayLog(uint64_t after_lsn) {
  const uint32_t dims = embedder_->dimensions();
  Result<storage::WalRecoveryReport> report = storage::RecoverWal(
      *env_, dir_ + "/" + kWalDir, after_lsn,
      [this, dims](uint64_t lsn, storage::WalRecordType type,
                   std::string_view payload) -> Status {
        const auto layout =
            static_cast<storage::DocumentLayout>(storage::WriteBatchDocumentLayout(type));
        QUARRY_ASSIGN_OR_RETURN(storage::WriteBatch batch,
                                storage::DecodeWriteBatch(payload, dims, layout));
        std::unique_lock<std::shared_mutex> lock(state_mu_);
        ApplyLocked(std::move(batch), lsn);
        state_digest_ = NextStateDigest(state_digest_, payload);
        return Status::Ok();
      });
  if (!report.ok()) return report.status().WithContext("collection '" + name_ + "'");
  applied_lsn_ = std::max(applied_lsn_, report->last_lsn);
  return Status::Ok();
}

}  // namespace quarry::engine
