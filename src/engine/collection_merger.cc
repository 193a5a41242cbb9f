// Merging sealed segments (size-tiered, as Lucene's TieredMergePolicy and
// RocksDB's universal compaction do in spirit): when four segments share a
// size tier (live rows / seal_rows, in powers of four) they are rewritten as
// one, so a collection of N rows has O(log N) segments and each row is
// rewritten O(log N) times; a segment whose deleted documents reach 30% is
// rewritten alone. Either way deleted documents are purged physically.
//
// Like a seal, the new segment is written without locks; deletes that reach
// the inputs meanwhile are carried over as tombstones before the MANIFEST
// swap; the inputs' directories are removed once the new MANIFEST is durable.
#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "engine/collection_impl.h"

#include "base/check.h"
#include "lexical/bm25_merge.h"
#include "storage/segment_postings.h"

namespace quarry::engine {
namespace {

constexpr size_t kSegmentsPerTier = 4;
constexpr double kPurgeDeletedFraction = 0.3;
constexpr auto kMergeTick = std::chrono::milliseconds(1000);
constexpr auto kMaxMergeBackoff = std::chrono::milliseconds(60000);

int TierOf(size_t live_rows, uint32_t seal_rows) {
  int tier = 0;
  for (size_t r = live_rows / std::max<uint32_t>(seal_rows, 1); r >= kSegmentsPerTier;
       r /= kSegmentsPerTier) {
    ++tier;
  }
  return tier;
}

}  // namespace

size_t CollectionImpl::sealed_segment_count() const {
  std::shared_lock<std::shared_mutex> lock(state_mu_);
  return sealed_.size();
}

Result<bool> CollectionImpl::MaybeMerge() {
  std::lock_guard<std::mutex> merge_lock(merge_mu_);
  std::vector<storage::Segment*> inputs;
  {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    if (dropped_) return false;
    QUARRY_RETURN_IF_ERROR(wal_->failure());
    // Segments leave sealed_ only through a merge (merge_mu_, held), so the
    // inputs stay; a seal may add one meanwhile.
    std::map<int, std::vector<storage::Segment*>> tiers;
    for (const auto& seg : sealed_) {
      tiers[TierOf(seg->index().live_count(), config_.storage.seal_rows)].push_back(seg.get());
    }
    for (auto& [tier, segs] : tiers) {
      if (segs.size() < kSegmentsPerTier) continue;
      std::sort(segs.begin(), segs.end(), [](storage::Segment* a, storage::Segment* b) {
        return a->index().live_count() < b->index().live_count();
      });
      inputs.assign(segs.begin(), segs.begin() + kSegmentsPerTier);
      break;
    }
    if (inputs.empty()) {
      for (const auto& seg : sealed_) {
        const size_t docs = seg->store().entries().size();
        if (docs > 0 && seg->deleted_count() >= kPurgeDeletedFraction * docs) {
          inputs.push_back(seg.get());
          break;
        }
      }
    }
  }
  if (inputs.empty()) return false;
  QUARRY_RETURN_IF_ERROR(MergeSegments(std::move(inputs)));
  return true;
}

void CollectionImpl::MergeLoop() {
  std::chrono::milliseconds backoff = kMergeTick;
  std::unique_lock<std::mutex> lock(background_mu_);
  while (!stop_) {
    // Woken after every seal; the tick finds purges due to deletes.
    merge_cv_.wait_for(lock, kMergeTick, [this] { return stop_ || merge_requested_; });
    if (stop_) break;
    merge_requested_ = false;
    lock.unlock();
    // One merge per pass, so a stop request is seen between merges; a merge
    // that did something asks for another look. A failing merge (disk full,
    // a damaged input block) waits before the next attempt, doubling up to
    // kMaxMergeBackoff, so that it neither spins on the same I/O nor takes
    // the disk from seals.
    Result<bool> merged = MaybeMerge();
    lock.lock();
    if (!merged.ok()) {
      merge_cv_.wait_for(lock, backoff, [this] { return stop_; });
      backoff = std::min(backoff * 2, kMaxMergeBackoff);
      continue;
    }
    backoff = kMergeTick;
    if (*merged) merge_requested_ = true;
  }
}

Status CollectionImpl::Compact() {
  for (;;) {
    QUARRY_ASSIGN_OR_RETURN(bool merged, MaybeMerge());
    if (!merged) return Status::Ok();
  }
}

Status CollectionImpl::MergeSegments(std::vector<storage::Segment*> inputs) {
  // REQUIRES: merge_mu_ held (by MaybeMerge): the inputs stay in sealed_.
  const uint32_t dims = embedder_->dimensions();
  // The merged HNSW graph starts from the graph of the largest input with
  // no deleted document, so that only the other inputs' rows are linked
  // (Lucene 9.9 starts a merge from its largest segment's graph the same
  // way): that input goes first, its rows become the merged segment's
  // first, in order (docs/design/storage-engine.md, "Merging").
  const auto seed_candidate =
      std::max_element(inputs.begin(), inputs.end(), [](storage::Segment* a, storage::Segment* b) {
        const bool a_whole = a->deleted_count() == 0, b_whole = b->deleted_count() == 0;
        return a_whole != b_whole ? b_whole : a->rows() < b->rows();
      });
  std::iter_swap(inputs.begin(), seed_candidate);
  // The live documents of the inputs now; deletes only ever set flags, so
  // anything deleted later is found again below.
  struct Source {
    size_t input;  // index into `inputs`
    uint32_t ordinal;
  };
  // Where each row of the merged segment comes from. The vectors themselves
  // are read a batch at a time while the new index is written, never all
  // at once (HnswIndex::BuildFile): a merge of large segments would
  // otherwise hold every merged vector in memory, twice.
  struct RowRef {
    const vector::HnswIndex* index;
    uint32_t row;
  };
  std::vector<Source> sources;
  std::vector<RowRef> rows;
  size_t live_rows = 0, live_docs = 0;
  for (storage::Segment* seg : inputs) {
    live_rows += seg->index().live_count();
    live_docs += seg->store().entries().size();
  }
  // The keyword postings are merged from the inputs' (MergeBm25Indexes),
  // renumbered: an input's row becomes its position in `rows`.
  std::vector<std::vector<uint32_t>> new_rows(inputs.size());
  if (live_rows >= lexical::kDroppedDoc) {
    return Status::ResourceExhausted("merging segments of collection '" + name_ +
                                     "': a segment holds fewer than 2^32 - 1 rows");
  }
  rows.reserve(live_rows);
  sources.reserve(live_docs);
  for (size_t i = 0; i < inputs.size(); ++i) {
    storage::Segment* seg = inputs[i];
    new_rows[i].assign(seg->rows(), lexical::kDroppedDoc);
    const auto& entries = seg->store().entries();
    for (uint32_t o = 0; o < entries.size(); ++o) {
      if (seg->IsDeleted(o)) continue;
      for (uint32_t c = 0; c < entries[o].chunks; ++c) {
        new_rows[i][entries[o].first_row + c] = static_cast<uint32_t>(rows.size());
        rows.push_back({&seg->index(), entries[o].first_row + c});
      }
      sources.push_back({i, o});
    }
  }
  // A delete that reached the first input since it was chosen leaves a gap
  // in its rows: then its graph is no longer theirs, and every row is linked
  // (so does one that reaches it before the build starts: BuildFile checks
  // that no row of the seed is removed).
  uint32_t seeded_rows = 0;
  vector::HnswBuildOptions build{.seed = &inputs.front()->index(),
                                 .seed_rows = inputs.front()->rows(),
                                 .seeded_rows = &seeded_rows};
  if (rows.size() < build.seed_rows) build.seed = nullptr;
  for (uint32_t r = 0; build.seed != nullptr && r < build.seed_rows; ++r) {
    if (rows[r].index != build.seed || rows[r].row != r) build.seed = nullptr;
  }
  std::vector<lexical::MergeInput> postings_inputs;
  std::vector<std::string> postings_files;  // named in errors (terms are verified on first read)
  postings_files.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    postings_files.push_back(storage::SegmentDirName(dir_, inputs[i]->id()) + "/" +
                             storage::kPostingsFile);
    postings_inputs.push_back({&inputs[i]->postings(), new_rows[i], postings_files.back()});
  }
  const auto merge_postings = [&](WritableFile& out) {
    return lexical::MergeBm25Indexes(postings_inputs, static_cast<uint32_t>(rows.size()), out,
                                     &stopping_);
  };
  // Documents, like rows, are read from the inputs while the new segment is
  // written, one at a time, in order, a block at a time and around the
  // block cache (which searches keep). One deleted from here on is still
  // stored: it is written and then tombstoned below, like a delete during a
  // seal.
  const auto feed = [&sources, &inputs](const DocumentAdder& add) {
    std::vector<storage::ChunkStore::SequentialReader> readers;
    readers.reserve(inputs.size());
    for (storage::Segment* seg : inputs) readers.emplace_back(seg->store());
    for (const Source& s : sources) {
      QUARRY_ASSIGN_OR_RETURN(storage::StoredDocument doc, readers[s.input].Read(s.ordinal));
      QUARRY_RETURN_IF_ERROR(add(doc));
    }
    return Status::Ok();
  };
  const auto read_rows = [&rows, dims](size_t first, std::span<float> out) {
    for (size_t i = 0; i * dims < out.size(); ++i) {
      const RowRef& r = rows[first + i];
      QUARRY_RETURN_IF_ERROR(r.index->GetStoredVector(r.row, out.subspan(i * dims, dims)));
    }
    return Status::Ok();
  };

  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    if (dropped_) return Status::Ok();
    id = next_segment_id_++;
  }
  std::unique_ptr<storage::Segment> merged;
  if (!sources.empty()) {
    Result<std::unique_ptr<storage::Segment>> built =
        BuildSegment(id, feed, rows.size(), read_rows, merge_postings, build);
    if (!built.ok()) {
      return built.status().WithContext("merging segments of collection '" + name_ + "'");
    }
    merged = std::move(built).value();
  }

  std::vector<uint64_t> removed_ids;
  {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    if (dropped_) return Status::Ok();
    for (uint32_t i = 0; i < sources.size(); ++i) {
      if (inputs[sources[i].input]->IsDeleted(sources[i].ordinal)) merged->MarkDeleted(i);
    }
    // The MANIFEST lists the survivors and the merged segment; what the
    // segments cover (LSN, generation) does not change.
    Status s = wal_->Sync();
    storage::Manifest m = ManifestLocked(manifest_lsn_, manifest_generation_, manifest_state_digest_);
    // By id, never through `inputs`: erasing from sealed_ below frees the
    // input segments while later elements are still being tested.
    std::vector<uint64_t> input_ids;
    for (storage::Segment* in : inputs) input_ids.push_back(in->id());
    auto is_input = [&input_ids](uint64_t seg_id) {
      return std::find(input_ids.begin(), input_ids.end(), seg_id) != input_ids.end();
    };
    std::erase_if(m.segments, [&](const storage::SegmentEntry& e) { return is_input(e.id); });
    if (merged != nullptr) m.segments.push_back(merged->ManifestEntry());
    if (s.ok()) s = storage::WriteManifest(*env_, dir_, m);
    if (!s.ok()) {
      // The new MANIFEST may be in place although the call failed: keep
      // every file; the next open removes what no MANIFEST lists.
      return s.WithContext("merging segments of collection '" + name_ + "'");
    }
    std::unique_lock<std::shared_mutex> state_lock(state_mu_);
    for (uint32_t i = 0; i < sources.size(); ++i) {
      if (merged->IsDeleted(i)) continue;
      const bool moved =
          documents_.Relocate(inputs[sources[i].input]->store().entries()[sources[i].ordinal].id,
                              DocRef{nullptr, merged.get(), i}.entry());
      QUARRY_CHECK(moved, "a merged live document is in the id map");
    }
    removed_ids = input_ids;
    std::erase_if(sealed_, [&](const std::unique_ptr<storage::Segment>& seg) {
      return is_input(seg->id());
    });
    if (merged != nullptr) sealed_.push_back(std::move(merged));
    ++merges_;
    merged_rows_ += rows.size();
    merge_seeded_rows_ += seeded_rows;
  }
  // The inputs are out of the durable MANIFEST and of memory: their files go.
  for (uint64_t seg_id : removed_ids) {
    (void)env_->RemoveDirRecursively(storage::SegmentDirName(dir_, seg_id));
  }
  return Status::Ok();
}

}  // namespace quarry::engine
