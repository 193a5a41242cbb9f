// Sealing: the mutable segment, once past storage.seal_rows, is frozen (it
// stays searchable), written as an on-disk segment without any lock held,
// then swapped in by a new MANIFEST; the log files it covers are removed.
// Also the background loop that runs seals and the `interval` fsync policy.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "engine/collection_impl.h"

#include "base/check.h"
#include "engine/hnsw_config.h"

namespace quarry::engine {
namespace {

constexpr const char* kWalDir = "wal";
constexpr auto kIdleTick = std::chrono::milliseconds(1000);
// Writers stall while a seal runs and the mutable segment holds this many
// times seal_rows (RocksDB's write stall with two write buffers, one filling
// and one flushing), and no longer than kMaxStall per write: a stuck seal
// must not stop ingestion for good. At 2 the next seal froze 2 x seal_rows
// and memory held 4 x (docs/design/storage-engine.md, "Backpressure").
constexpr uint32_t kStallSealMultiple = 1;
constexpr auto kMaxStall = std::chrono::seconds(30);

}  // namespace

storage::SegmentOpenOptions CollectionImpl::SegmentOptions() const {
  return {.map_vectors = config_.storage.on_disk_vectors,
          .map_graph = config_.storage.on_disk_graph,
          .map_codes = !config_.vectors.always_ram,
          .resident_payload = !config_.storage.on_disk_payload,
          .payload_cache = document_blocks_};
}

Result<std::unique_ptr<storage::Segment>> CollectionImpl::BuildSegment(
    uint64_t id, const DocumentFeed& docs, size_t rows, const vector::RowSource& vectors,
    const storage::PostingsWriter& postings, vector::HnswBuildOptions build) const {
  const uint32_t dims = embedder_->dimensions();
  Result<storage::SegmentWriter> writer = storage::SegmentWriter::Create(*env_, dir_, id);
  Status written = writer.status();
  if (written.ok()) {
    // Without `postings` (a seal of a segment with dead rows), the documents
    // are analyzed again rather than keeping each row's terms since
    // ingestion: that costs the background thread some CPU and saves the
    // memory of every term of the mutable segment twice.
    std::optional<ObjectPool<text::Analyzer>::Lease> analyzer;
    std::optional<lexical::Bm25IndexBuilder> builder;
    if (!postings) {
      Result<ObjectPool<text::Analyzer>::Lease> lease = analyzers_.Acquire();
      written = lease.status();
      if (lease.ok()) analyzer.emplace(std::move(lease).value());
      builder.emplace();
    }
    if (written.ok()) {
      written = docs([&](const storage::StoredDocument& doc) {
        if (stopping_.load(std::memory_order_relaxed)) {
          return Status::Unavailable("collection '" + name_ + "' is closing");
        }
        if (builder) AddChunkTerms(AnalyzeDocument(**analyzer, doc), &*builder);
        return writer->AddDocument(doc);
      });
    }
    // The postings are written, and the builder freed, before the index
    // build (the longest step of a seal or merge).
    if (written.ok()) {
      written = postings ? writer->FinishDocuments(postings)
                         : writer->FinishDocuments(builder->Serialize());
    }
  }
  if (written.ok()) {
    build.cancel = &stopping_;
    written = writer->Finish(rows, vectors, dims, HnswConfigFor(config_, rows), build);
  }
  Result<std::unique_ptr<storage::Segment>> opened =
      written.ok() ? storage::Segment::Open(*env_, dir_, id, SegmentOptions())
                   : Result<std::unique_ptr<storage::Segment>>(written);
  // The build's buffers (postings builder, documents in flight) are freed
  // by now, but glibc keeps freed heap pages in its arenas: hand them back,
  // or the process keeps the high-water mark of every seal and merge.
  malloc_trim(0);
  if (!opened.ok()) {
    // Never listed by a MANIFEST: safe to remove (a restart would too).
    (void)env_->RemoveDirRecursively(storage::SegmentDirName(dir_, id) + ".tmp");
    (void)env_->RemoveDirRecursively(storage::SegmentDirName(dir_, id));
  }
  return opened;
}

storage::Manifest CollectionImpl::ManifestLocked(uint64_t last_lsn, uint64_t generation,
                                                 const std::string& state_digest) const {
  storage::Manifest m;
  m.config_json = CollectionConfigToJson(config_);
  m.embedder_fingerprint = embedder_->fingerprint();
  m.dimensions = embedder_->dimensions();
  m.generation = generation;
  m.last_lsn = last_lsn;
  m.next_segment_id = next_segment_id_;
  m.state_digest = state_digest;
  for (const auto& seg : sealed_) m.segments.push_back(seg->ManifestEntry());
  return m;
}

Status CollectionImpl::MaybeSeal(bool force) {
  // One seal at a time (background and Flush): frozen_ belongs to it.
  std::lock_guard<std::mutex> seal_lock(seal_mu_);
  std::vector<uint32_t> ordinals, live_rows;
  bool all_rows_live = false;  // read under write_mu_ with live_rows
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    if (dropped_) return Status::Ok();
    QUARRY_RETURN_IF_ERROR(wal_->failure());
    if (frozen_ == nullptr) {
      const size_t rows = mutable_->rows();
      if (rows == 0 || (!force && rows < config_.storage.seal_rows)) return Status::Ok();
      // Everything applied must be durable before a segment holds it, and
      // later records go to a new log file so this one can be removed.
      QUARRY_RETURN_IF_ERROR(wal_->Sync());
      QUARRY_RETURN_IF_ERROR(wal_->Roll());
      std::unique_lock<std::shared_mutex> state_lock(state_mu_);
      frozen_ = std::move(mutable_);
      mutable_ = std::make_unique<MutableSegment>(embedder_->dimensions());
      mutable_rows_.store(0, std::memory_order_relaxed);
      frozen_lsn_ = applied_lsn_;
      frozen_generation_ = generation_;
      frozen_state_digest_ = state_digest_;
    }
    // frozen_ changes only under write_mu_ (deletes), which is held. Its
    // live rows are written from where they are, never copied: a delete
    // from now on flips a flag and leaves the rows be, and frozen_ stays
    // until this seal (seal_mu_) replaces it.
    frozen_->CollectLive(&ordinals, &live_rows);
    all_rows_live = live_rows.size() == frozen_->rows();
    id = next_segment_id_++;
  }

  const uint32_t dims = embedder_->dimensions();
  const vector::FlatIndex& frozen_index = frozen_->index();
  const auto copy_rows = [&frozen_index, &live_rows, dims](size_t first, std::span<float> out) {
    for (size_t i = 0; i * dims < out.size(); ++i) {
      const std::span<const float> row = frozen_index.Row(live_rows[first + i]);
      std::copy(row.begin(), row.end(), out.begin() + static_cast<ptrdiff_t>(i * dims));
    }
    return Status::Ok();
  };
  SetSealing(true);
  // The frozen segment's documents do not change (a delete flips a flag
  // beside them): read in place, without write_mu_.
  const MutableSegment& frozen = *frozen_;
  const auto feed = [&frozen, &ordinals](const DocumentAdder& add) {
    for (uint32_t o : ordinals) QUARRY_RETURN_IF_ERROR(add(frozen.doc(o).doc));
    return Status::Ok();
  };
  // With no dead row, the frozen segment's postings are the new segment's,
  // row for row: written as they are, instead of analyzing every document
  // again into a second builder (the seal's CPU and a builder's memory).
  storage::PostingsWriter postings;
  if (all_rows_live) {
    postings = [&frozen](WritableFile& out) {
      const std::vector<uint8_t> bytes = frozen.SerializePostings();
      return out.Append(
          std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    };
  }
  Result<std::unique_ptr<storage::Segment>> built =
      BuildSegment(id, feed, live_rows.size(), copy_rows, postings);
  if (!built.ok()) {
    SetSealing(false);
    return built.status().WithContext("sealing a segment of collection '" + name_ + "'");
  }
  std::unique_ptr<storage::Segment> seg = std::move(built).value();
  // Cleared whatever happens below: writers stall only while segments are
  // being written.
  struct ClearSealing {
    CollectionImpl* c;
    ~ClearSealing() { c->SetSealing(false); }
  } clear_sealing{this};

  uint64_t covered_lsn = 0;
  {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    if (dropped_) return Status::Ok();
    // Deletes that reached the frozen segment while it was being written.
    for (uint32_t i = 0; i < ordinals.size(); ++i) {
      if (!frozen_->doc(ordinals[i]).live) seg->MarkDeleted(i);
    }
    // Tombstones the MANIFEST records must come from durable log records.
    Status s = wal_->Sync();
    storage::Manifest m = ManifestLocked(frozen_lsn_, frozen_generation_, frozen_state_digest_);
    m.segments.push_back(seg->ManifestEntry());
    if (s.ok()) s = storage::WriteManifest(*env_, dir_, m);
    if (!s.ok()) {
      // The new MANIFEST may be in place even though the call failed (e.g.
      // the directory fsync after the rename), so the segment's files stay;
      // if no MANIFEST lists them, the next open removes them.
      return s.WithContext("sealing a segment of collection '" + name_ + "'");
    }
    std::unique_lock<std::shared_mutex> state_lock(state_mu_);
    for (uint32_t i = 0; i < ordinals.size(); ++i) {
      const MutableSegment::Doc& d = frozen_->doc(ordinals[i]);
      if (!d.live) continue;
      const bool moved = documents_.Relocate(d.doc.id, DocRef{nullptr, seg.get(), i}.entry());
      QUARRY_CHECK(moved, "a sealed live document is in the id map");
    }
    sealed_.push_back(std::move(seg));
    frozen_.reset();
    covered_lsn = frozen_lsn_;
    manifest_lsn_ = frozen_lsn_;
    manifest_generation_ = frozen_generation_;
    manifest_state_digest_ = frozen_state_digest_;
  }
  return storage::RemoveObsoleteWalFiles(*env_, dir_ + "/" + kWalDir, covered_lsn);
}

Status CollectionImpl::Flush() {
  // A segment frozen by a background seal that failed (a full disk) is
  // sealed first, and the rows written since then by a second seal.
  bool frozen_before = false;
  {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    frozen_before = frozen_ != nullptr;
  }
  QUARRY_RETURN_IF_ERROR(MaybeSeal(/*force=*/true));
  return frozen_before ? MaybeSeal(/*force=*/true) : Status::Ok();
}

void CollectionImpl::BackgroundLoop() {
  const bool interval = config_.storage.fsync == FsyncPolicy::kInterval;
  const auto tick =
      interval ? std::chrono::milliseconds(config_.storage.fsync_interval_ms) : kIdleTick;
  std::unique_lock<std::mutex> lock(background_mu_);
  while (!stop_) {
    background_cv_.wait_for(lock, tick, [this] { return stop_ || seal_requested_; });
    if (stop_) break;
    seal_requested_ = false;
    lock.unlock();
    // A failed fsync fails the log for good; writes then report why.
    if (interval) (void)wal_->Sync();
    // A failed seal (disk full) leaves the frozen segment searchable and
    // is retried at the next tick.
    const size_t sealed_before = sealed_segment_count();
    (void)MaybeSeal(/*force=*/false);
    const bool sealed = sealed_segment_count() != sealed_before;
    lock.lock();
    // A new segment may complete a tier: the merge thread looks at once
    // (otherwise at its own tick, which also covers a merge finishing
    // meanwhile and hiding the new segment from this count).
    if (sealed) {
      merge_requested_ = true;
      merge_cv_.notify_one();
    }
  }
}

void CollectionImpl::SetSealing(bool sealing) {
  {
    std::lock_guard<std::mutex> lock(background_mu_);
    sealing_ = sealing;
  }
  if (!sealing) seal_done_cv_.notify_all();
}

void CollectionImpl::WaitWhileSealLags() {
  const auto lagging = [this] {
    return sealing_ && mutable_rows_.load(std::memory_order_relaxed) >=
                           size_t{kStallSealMultiple} * config_.storage.seal_rows;
  };
  // Almost every write: the mutable segment is small, no lock taken.
  if (mutable_rows_.load(std::memory_order_relaxed) <
      size_t{kStallSealMultiple} * config_.storage.seal_rows) {
    return;
  }
  std::unique_lock<std::mutex> lock(background_mu_);
  seal_done_cv_.wait_for(lock, kMaxStall, [&] { return stop_ || !lagging(); });
}

void CollectionImpl::StopBackground() {
  // A seal or merge in progress gives up (its files are removed; a seal's
  // rows are still in the log, a merge's inputs still listed) instead of
  // holding a close or drop for the rest of its build.
  stopping_.store(true, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(background_mu_);
    stop_ = true;
  }
  background_cv_.notify_all();
  merge_cv_.notify_all();
  seal_done_cv_.notify_all();
  if (background_.joinable()) background_.join();
  if (merger_.joinable()) merger_.join();
  // Writes acknowledged under `interval` or `never` get a last chance.
  if (wal_ != nullptr) (void)wal_->Sync();
}

}  // namespace quarry::engine
