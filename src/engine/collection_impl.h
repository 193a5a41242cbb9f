// CollectionImpl: one collection, durable through its write-ahead log and
// sealed segments (docs/design/storage-engine.md).
//
// Write path: validate -> sanitize, chunk and embed (no lock held) -> under
// write_mu_: encode a WriteBatch, append it to the log, fsync it (policy
// `always`) -> under the state lock held exclusively: apply it to the
// mutable segment (and tombstones in sealed ones) -> acknowledge. Nothing is
// visible or acknowledged before its record is durable under the policy; an
// fsync failure turns the collection read-only for good.
//
// A writer stalls before write_mu_ while a seal is writing and the mutable
// segment already holds seal_rows rows (bounded memory when ingestion
// outpaces sealing: one segment filling, one being sealed).
//
// Background (two threads per collection): one fsyncs the log every
// fsync_interval_ms (policy `interval`) and seals: a mutable segment past
// storage.seal_rows is frozen (still searched), written as an on-disk
// segment, listed in a new MANIFEST, and the log files it covers removed.
// The other merges sealed segments (size tiers, purges of deletes); it is
// not started when the engine is opened with background_merges = false,
// and Compact() runs the same merges on the caller's thread.
//
// Thread-safety: all public methods may be called concurrently. Searches take
// the state lock shared; writers are serialized by write_mu_ and take the
// state lock exclusively only to apply a change.
#ifndef QUARRY_ENGINE_COLLECTION_IMPL_H_
#define QUARRY_ENGINE_COLLECTION_IMPL_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/env.h"
#include "base/hash.h"
#include "base/object_pool.h"
#include "engine/chunk_terms.h"
#include "engine/document_table.h"
#include "engine/mutable_segment.h"
#include "engine/payload_cache.h"
#include "lexical/bm25_searcher.h"
#include "quarry/embedder.h"
#include "quarry/engine.h"
#include "storage/manifest.h"
#include "storage/segment.h"
#include "storage/wal_writer.h"
#include "storage/write_batch.h"
#include "text/analyzer.h"
#include "text/sentence_splitter.h"

namespace quarry::engine {

class CollectionImpl final : public Collection {
 public:
  // Writes the files of a new, empty collection into `dir` (which must exist
  // and be empty): MANIFEST, wal/, segments/. Open() it afterwards.
  static Status Create(Env& env, const std::string& name, const std::string& dir,
                       const CollectionConfig& config);
  // Opens the collection in `dir`: reads the MANIFEST, maps the segments,
  // replays the log, removes leftovers of interrupted seals. A collection in
  // the foundation's single-file format is converted first.
  // `background_merges`: EngineOptions::background_merges.
  static Result<std::shared_ptr<CollectionImpl>> Open(std::shared_ptr<Env> env, std::string name,
                                                      std::string dir, bool background_merges);
  ~CollectionImpl() override;

  const std::string& name() const override { return name_; }
  CollectionInfo Info() const override;
  Result<UpsertSummary> Upsert(std::vector<DocumentInput> docs) override;
  Result<DocumentInfo> GetDocument(const std::string& id) const override;
  Status DeleteDocument(const std::string& id) override;
  Result<SearchResponse> Search(const SearchRequest& request) const override;
  Result<std::vector<float>> EmbedQuery(std::string_view query) const override;
  CollectionState State() const override;
  // Seals the mutable segment now if it holds any row.
  Status Flush() override;
  // Runs merges on the calling thread until the policy finds nothing to merge.
  Status Compact() override;

  // Refuses every later write and stops background work; the engine calls it
  // before removing the files.
  void MarkDropped();
  const std::string& dir() const { return dir_; }
  // Writes the collection's files (MANIFEST, sealed segments, log) into a
  // snapshot archive at `archive_path`. Blocks seals and merges meanwhile.
  Status WriteSnapshot(const std::string& archive_path);
  size_t sealed_segment_count() const;

 private:
  // Where a stored document lives: the mutable (or frozen) segment or a
  // sealed one, and its ordinal there. What documents_ holds per document,
  // packed into a DocumentTable entry (a tagged pointer and the ordinal);
  // the chunk count and content digest are read from the segment.
  struct DocRef {
    MutableSegment* memory = nullptr;
    storage::Segment* sealed = nullptr;
    uint32_t ordinal = 0;

    uint32_t chunks() const;
    Digest128 content_digest() const;
    DocumentTable::Entry entry() const;
    static DocRef Of(const DocumentTable::Entry& entry);
    // DocumentTable's KeyOf: the id of the document at `entry`.
    static std::string_view IdOf(const DocumentTable::Entry& entry);
  };
  // The document `id`, if it is live.
  std::optional<DocRef> FindLocked(std::string_view id) const;

  CollectionImpl(std::shared_ptr<Env> env, std::string name, std::string dir,
                 CollectionConfig config, std::unique_ptr<Embedder> embedder);

  // A document ready to be logged, with the keyword terms of its chunks
  // (which the log does not carry: replay analyzes again).
  struct PreparedDocument {
    storage::AddedDocument added;
    DocumentTerms terms;
  };
  struct SearchPlan;
  struct RetrieverLists;

  // Sanitizes the input and computes its content hash (cheap). The sections,
  // which are not stored, are moved to *sections.
  Result<storage::StoredDocument> Normalize(DocumentInput input,
                                            std::vector<DocumentSection>* sections) const;
  // Chunks (along `sections`, see DocumentInput) and analyzes a normalized
  // document; embeds it too when the embedder is lexical (a cheap function
  // of each text), otherwise its vectors come from EmbedChunks.
  Result<PreparedDocument> ChunkAndAnalyze(storage::StoredDocument doc,
                                           const std::vector<DocumentSection>& sections) const;
  // Embeds the chunks of all `docs` that have no vectors yet together, in
  // calls of 256 texts, so that the encoder sorts and batches a whole
  // request's chunks by length (and the batcher can gather concurrent
  // requests) while no caller queues more than 256 texts at once; then hands
  // each document its vectors.
  Status EmbedChunks(std::span<PreparedDocument> docs) const;
  uint32_t MaxChunkTokens() const;

  // Logs `batch` (durably under the fsync policy), then applies it. `terms`
  // holds the keyword terms of batch.added, in order.
  // REQUIRES: write_mu_ held.
  Status CommitLocked(storage::WriteBatch batch, std::vector<DocumentTerms> terms);
  // Applies a logged batch to memory; `terms` as above, or empty to analyze
  // the added documents here (log replay). REQUIRES: write_mu_ held (or
  // recovery), state_mu_ held exclusively.
  void ApplyLocked(storage::WriteBatch batch, uint64_t lsn, std::vector<DocumentTerms> terms = {});

  // Search (collection_search.cc). REQUIRES: state_mu_ held (shared).
  Status CollectKeywordLocked(const SearchPlan& plan, RetrieverLists* lists) const;
  Status CollectVectorLocked(const SearchPlan& plan, std::span<const float> query,
                             RetrieverLists* lists) const;
  Status BuildFiltersLocked(SearchPlan* plan) const;
  Status FillHitLocked(const SearchPlan& plan, uint64_t segment_key, uint32_t row,
                       SearchHit* hit) const;
  // Sets importance and semantic_density of each hit (text filled) from the
  // collection-wide keyword statistics (docs/design/chunk-scores.md).
  Status ScoreHitsLocked(const SearchPlan& plan, std::span<SearchHit> hits) const;
  void RemoveDocumentLocked(const DocRef& ref);
  Status WritableLocked() const;

  // Recovery (collection_open.cc).
  Status LoadSegments(const storage::Manifest& manifest);
  Status ReplayLog(uint64_t after_lsn);

  // Sealing and the background loop (collection_sealer.cc).
  void BackgroundLoop();
  Status MaybeSeal(bool force);
  // Backpressure: a writer about to add rows waits while a seal runs and the
  // mutable segment already holds kStallSealMultiple x seal_rows rows (at
  // most kMaxStall per write), so that memory stays bounded when ingestion
  // outpaces sealing. Call with no lock held.
  void WaitWhileSealLags();
  void SetSealing(bool sealing);
  // The merge thread (collection_merger.cc): merges run beside seals, so a
  // long merge never holds back the seal that bounds the mutable segment.
  void MergeLoop();
  // Merging (collection_merger.cc): four segments of one size tier become
  // one, and a segment with many deleted documents is rewritten without
  // them. Returns true if it merged something.
  Result<bool> MaybeMerge();
  Status MergeSegments(std::vector<storage::Segment*> inputs);
  // A MANIFEST covering the log up to last_lsn, where the collection was at
  // `generation` with `state_digest`.
  storage::Manifest ManifestLocked(uint64_t last_lsn, uint64_t generation,
                                   const std::string& state_digest) const;
  // Hands each document of a segment being built to `add`, in row order.
  using DocumentAdder = std::function<Status(const storage::StoredDocument&)>;
  using DocumentFeed = std::function<Status(const DocumentAdder& add)>;
  // Writes segment `id` of the documents `docs` feeds, with `rows` vectors
  // read from `vectors` a batch at a time, and opens it; on failure removes
  // what was written (no MANIFEST lists it yet). Documents pass through one
  // at a time into the chunk store. The keyword postings are written by
  // `postings` (a merge merges its inputs'), or when it is empty built from
  // the documents, analyzed again (a seal). `build` may name a seed whose
  // graph the HNSW build starts from (a merge's largest input); closing the
  // collection cancels the build. No lock needed.
  Result<std::unique_ptr<storage::Segment>> BuildSegment(
      uint64_t id, const DocumentFeed& docs, size_t rows, const vector::RowSource& vectors,
      const storage::PostingsWriter& postings = {}, vector::HnswBuildOptions build = {}) const;
  // How sealed segments are opened: what is mapped and what is copied into
  // RAM (the storage settings), and the shared cache of decoded blocks.
  storage::SegmentOpenOptions SegmentOptions() const;
  void StopBackground();

  const std::shared_ptr<Env> env_;
  const std::string name_;
  const std::string dir_;
  const CollectionConfig config_;
  const std::unique_ptr<Embedder> embedder_;
  // Analyzers and BM25 searchers are not thread-safe; callers lease one.
  mutable ObjectPool<text::Analyzer> analyzers_;
  mutable ObjectPool<lexical::Bm25Searcher> searchers_;
  // Sentence splitters for the chunk scores of search hits.
  mutable ObjectPool<text::SentenceSplitter> splitters_;
  mutable PayloadCache payloads_;  // metadata indexes of sealed segments
  // Decoded document blocks of the sealed segments (on_disk_payload), shared
  // by all of them: hits of one query often share a block, and popular
  // documents are read again and again. Thread-safe on its own.
  const std::shared_ptr<storage::BlockCache> document_blocks_ =
      std::make_shared<storage::BlockCache>();

  // Lock order: merge_mu_, seal_mu_, write_mu_, state_mu_. A seal only adds
  // to sealed_ and a merge only replaces its inputs, so the two run side by
  // side; snapshots hold both to see no file come or go.
  std::mutex merge_mu_;                      // one merge at a time
  std::mutex seal_mu_;                       // one seal at a time
  std::mutex write_mu_;                      // serializes writers; held across the log append
  bool dropped_ = false;                     // guarded by write_mu_
  std::unique_ptr<storage::WalWriter> wal_;  // set once at open
  uint64_t next_segment_id_ = 1;             // guarded by write_mu_
  // What the durable MANIFEST says the segments cover.
  uint64_t manifest_lsn_ = 0;          // guarded by write_mu_
  uint64_t manifest_generation_ = 0;   // guarded by write_mu_
  std::string manifest_state_digest_;  // guarded by write_mu_

  mutable std::shared_mutex state_mu_;  // guards everything below
  std::unique_ptr<MutableSegment> mutable_;
  std::unique_ptr<MutableSegment> frozen_;  // being sealed; still searched
  uint64_t frozen_lsn_ = 0;                 // last LSN the frozen segment holds
  uint64_t frozen_generation_ = 0;
  std::string frozen_state_digest_;
  std::vector<std::unique_ptr<storage::Segment>> sealed_;
  // Merges since open, and their rows (CollectionInfo).
  uint64_t merges_ = 0;
  uint64_t merged_rows_ = 0;
  uint64_t merge_seeded_rows_ = 0;
  DocumentTable documents_{&DocRef::IdOf};  // engine/document_table.h
  uint64_t chunk_count_ = 0;
  uint64_t generation_ = 0;
  std::string state_digest_;  // engine/state_digest.h
  uint64_t applied_lsn_ = 0;

  std::mutex background_mu_;
  std::condition_variable background_cv_;
  bool stop_ = false;            // guarded by background_mu_
  bool seal_requested_ = false;  // guarded by background_mu_
  bool merge_requested_ = false;  // guarded by background_mu_
  bool sealing_ = false;          // a seal is writing its segment; guarded by background_mu_
  // mutable_->rows() as of the last write (read by stalled writers, which
  // hold background_mu_ and so may not take state_mu_).
  std::atomic<size_t> mutable_rows_{0};
  // Set first thing by StopBackground: seals and merges in progress stop.
  std::atomic<bool> stopping_{false};
  std::condition_variable merge_cv_;      // merge_requested_ or stop_
  std::condition_variable seal_done_cv_;  // sealing_ went false (stalled writers)
  std::thread background_;
  std::thread merger_;
};

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_COLLECTION_IMPL_H_
