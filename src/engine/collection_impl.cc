#include "engine/collection_impl.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "base/check.h"
#include "base/hash.h"
#include "base/parallel_for.h"
#include "base/stopwatch.h"
#include "embed/embedder_factory.h"
#include "engine/json_util.h"
#include "engine/state_digest.h"
#include "ingest/chunker.h"
#include "text/utf8.h"

namespace quarry::engine {
namespace {

// A document's text may not exceed what 32-bit chunk offsets can address.
constexpr size_t kMaxDocumentTextBytes = (1ull << 32) - 1;

// Plain text and Markdown as given, or the text extracted from HTML or JSON
// records. PDF joins when its extractor does (pages are not stored yet).
bool IsSupportedMediaType(std::string_view media_type) {
  return media_type == kMediaTypePlainText || media_type == kMediaTypeMarkdown ||
         media_type == kMediaTypeHtml || media_type == kMediaTypeJson ||
         media_type == kMediaTypePdf;
}

Status ValidateInput(const DocumentInput& doc, size_t index) {
  const std::string where = "documents[" + std::to_string(index) + "]";
  if (doc.id.empty()) return Status::InvalidArgument(where + ".id must not be empty");
  if (doc.id.size() > kMaxDocumentIdBytes) {
    return Status::InvalidArgument(where + ".id is longer than " +
                                   std::to_string(kMaxDocumentIdBytes) + " bytes");
  }
  if (!text::IsValidUtf8(doc.id)) return Status::InvalidArgument(where + ".id is not valid UTF-8");
  if (doc.text.size() > kMaxDocumentTextBytes) {
    return Status::ResourceExhausted(where + ".text is larger than 4 GiB");
  }
  if (!IsSupportedMediaType(doc.media_type)) {
    return Status::InvalidArgument(where + ".media_type '" + doc.media_type +
                                   "' is not supported (text/plain, text/markdown, text/html, "
                                   "application/json, application/pdf)");
  }
  // Sections point into the text, which sanitizing must therefore not change.
  if (!doc.sections.empty() && !text::IsValidUtf8(doc.text)) {
    return Status::InvalidArgument(where + ".text must be valid UTF-8 when sections are given");
  }
  return Status::Ok();
}

DocumentInfo InfoOf(const storage::StoredDocument& d) {
  DocumentInfo info;
  info.id = d.id;
  info.title = d.title;
  info.source = d.source;
  info.media_type = d.media_type;
  info.metadata_json = d.metadata_json;
  info.content_hash = d.content_hash;
  info.chunk_count = static_cast<uint32_t>(d.chunks.size());
  info.text_bytes = d.text.size();
  for (const storage::StoredChunk& c : d.chunks) {
    if (c.page != 0) info.pages.push_back(c.page);
  }
  std::sort(info.pages.begin(), info.pages.end());
  info.pages.erase(std::unique(info.pages.begin(), info.pages.end()), info.pages.end());
  return info;
}

// Texts per embedding call, for a write's chunks and for the semantic
// strategy's sentences alike: a caller has at most this many texts queued in
// the shared batcher at a time, so that the concurrent writes of an ingestion
// run (one per core) and the searches beside them stay under its queue limit
// (EmbedBatcherOptions::max_queued_texts, 4096) instead of failing with
// "overloaded". Slices this large still let the encoder sort and pad well.
constexpr size_t kTextsPerEmbedCall = 256;

// embedder.Embed over `texts` in slices of kTextsPerEmbedCall.
Status EmbedInSlices(const Embedder& embedder, std::span<const std::string_view> texts,
                     std::span<float> vectors) {
  const size_t dims = embedder.dimensions();
  for (size_t begin = 0; begin < texts.size(); begin += kTextsPerEmbedCall) {
    const size_t n = std::min(kTextsPerEmbedCall, texts.size() - begin);
    QUARRY_RETURN_IF_ERROR(embedder.Embed(texts.subspan(begin, n), EmbedPurpose::kDocument,
                                          vectors.subspan(begin * dims, n * dims)));
  }
  return Status::Ok();
}

// The collection's embedder, as the semantic chunking strategy calls it.
ingest::SentenceEmbedder SentenceEmbedderOf(const Embedder& embedder) {
  ingest::SentenceEmbedder out;
  out.dimensions = embedder.dimensions();
  out.embed = [&embedder](std::span<const std::string_view> texts, std::span<float> vectors) {
    return EmbedInSlices(embedder, texts, vectors);
  };
  return out;
}

}  // namespace

CollectionImpl::CollectionImpl(std::shared_ptr<Env> env, std::string name, std::string dir,
                               CollectionConfig config, std::unique_ptr<Embedder> embedder)
    : env_(std::move(env)),
      name_(std::move(name)),
      dir_(std::move(dir)),
      config_(config),
      embedder_(std::move(embedder)),
      analyzers_([options = AnalyzerOptionsFor(
                      config_.keyword)]() -> Result<std::unique_ptr<text::Analyzer>> {
        QUARRY_ASSIGN_OR_RETURN(text::Analyzer a, text::Analyzer::Create(options));
        return std::make_unique<text::Analyzer>(std::move(a));
      }),
      searchers_([]() -> Result<std::unique_ptr<lexical::Bm25Searcher>> {
        return std::make_unique<lexical::Bm25Searcher>();
      }),
      splitters_([]() -> Result<std::unique_ptr<text::SentenceSplitter>> {
        // English rules, as the chunker's: they only place sentence ends.
        QUARRY_ASSIGN_OR_RETURN(text::SentenceSplitter s, text::SentenceSplitter::English());
        return std::make_unique<text::SentenceSplitter>(std::move(s));
      }),
      mutable_(std::make_unique<MutableSegment>(embedder_->dimensions())) {}

CollectionImpl::~CollectionImpl() { StopBackground(); }

uint32_t CollectionImpl::MaxChunkTokens() const {
  return config_.chunking.max_tokens != 0 ? config_.chunking.max_tokens : embedder_->max_tokens();
}

Result<storage::StoredDocument> CollectionImpl::Normalize(
    DocumentInput input, std::vector<DocumentSection>* sections) const {
  storage::StoredDocument d;
  d.id = std::move(input.id);
  d.title = text::SanitizeUtf8(input.title);
  d.source = text::SanitizeUtf8(input.source);
  d.media_type = std::move(input.media_type);
  QUARRY_ASSIGN_OR_RETURN(d.metadata_json,
                          CanonicalJsonObject(input.metadata_json, "document metadata"));
  d.text = text::SanitizeUtf8(input.text);
  std::string hashed = d.text;
  for (const std::string* field : {&d.title, &d.metadata_json, &d.media_type}) {
    hashed += '\0';
    hashed += *field;
  }
  // Sections change the chunks. Hashed only when given, so that the hashes of
  // documents without them stay as they were.
  for (const DocumentSection& section : input.sections) {
    hashed += '\0';
    hashed += std::to_string(section.byte_begin) + ',' + std::to_string(section.byte_end) + ',' +
              std::to_string(section.page) + ',' + section.heading_path;
  }
  *sections = std::move(input.sections);
  d.content_hash = ContentHashHex(hashed);
  return d;
}

Result<CollectionImpl::PreparedDocument> CollectionImpl::ChunkAndAnalyze(
    storage::StoredDocument doc, const std::vector<DocumentSection>& sections) const {
  PreparedDocument prepared;
  storage::AddedDocument& p = prepared.added;
  p.doc = std::move(doc);
  storage::StoredDocument& d = p.doc;
  ingest::ChunkerOptions options;
  options.target_tokens = config_.chunking.target_tokens;
  options.max_tokens = MaxChunkTokens();
  options.overlap = config_.chunking.overlap;
  options.strategy = config_.chunking.strategy;
  options.breakpoint_percentile = config_.chunking.breakpoint_percentile;
  const Embedder* embedder = embedder_.get();
  QUARRY_ASSIGN_OR_RETURN(
      ingest::Chunker chunker,
      ingest::Chunker::Create(
          options, [embedder](std::string_view s) { return embedder->CountTokens(s); },
          SentenceEmbedderOf(*embedder)));
  QUARRY_ASSIGN_OR_RETURN(std::vector<ingest::ChunkPiece> pieces,
                          chunker.Chunk(d.text, d.media_type, sections));
  for (ingest::ChunkPiece& piece : pieces) {
    storage::StoredChunk c;
    c.byte_begin = piece.byte_begin;
    c.byte_end = piece.byte_end;
    c.char_begin = piece.char_begin;
    c.char_end = piece.char_end;
    c.tokens = piece.tokens;
    c.heading = std::move(piece.heading_path);
    c.page = piece.page;
    d.chunks.push_back(std::move(c));
  }
  // The lexical embedder is a cheap function of each text: it runs here, on
  // the ingestion threads. Model embedders wait for EmbedChunks.
  if (!embedder_->semantic()) {
    QUARRY_RETURN_IF_ERROR(EmbedChunks(std::span(&prepared, 1)));
  }
  QUARRY_ASSIGN_OR_RETURN(ObjectPool<text::Analyzer>::Lease analyzer, analyzers_.Acquire());
  prepared.terms = AnalyzeDocument(*analyzer, d);
  return prepared;
}

Status CollectionImpl::EmbedChunks(std::span<PreparedDocument> docs) const {
  const size_t dims = embedder_->dimensions();
  auto embedded = [dims](const PreparedDocument& prep) {
    return !prep.added.doc.chunks.empty() &&
           prep.added.vectors.size() == prep.added.doc.chunks.size() * dims;
  };
  std::vector<std::string_view> texts;
  for (const PreparedDocument& prep : docs) {
    if (embedded(prep)) continue;
    const storage::StoredDocument& d = prep.added.doc;
    for (const storage::StoredChunk& c : d.chunks) {
      texts.push_back(std::string_view(d.text).substr(c.byte_begin, c.byte_end - c.byte_begin));
    }
  }
  if (texts.empty()) return Status::Ok();
  std::vector<float> vectors(texts.size() * dims);
  QUARRY_RETURN_IF_ERROR(EmbedInSlices(*embedder_, texts, vectors));
  size_t offset = 0;
  for (PreparedDocument& prep : docs) {
    if (embedded(prep)) continue;
    const size_t n = prep.added.doc.chunks.size() * dims;
    prep.added.vectors.assign(vectors.begin() + static_cast<ptrdiff_t>(offset),
                              vectors.begin() + static_cast<ptrdiff_t>(offset + n));
    offset += n;
  }
  return Status::Ok();
}

Status CollectionImpl::WritableLocked() const {
  if (dropped_) return Status::NotFound("collection '" + name_ + "' was deleted");
  return wal_->failure();
}

Result<UpsertSummary> CollectionImpl::Upsert(std::vector<DocumentInput> docs) {
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < docs.size(); ++i) {
    QUARRY_RETURN_IF_ERROR(ValidateInput(docs[i], i));
    if (!seen.insert(docs[i].id).second) {
      return Status::InvalidArgument("document id '" + docs[i].id +
                                     "' appears more than once in one request");
    }
  }
  // The expensive part runs without any lock, and only for documents whose
  // content changed: normalizing (which computes the content hash), then
  // chunking and analyzing, on the ingestion threads, one document per item;
  // then one embedding call for the chunks of all of them. The stored hashes
  // are looked at once per write, between the two parallel steps, so that a
  // commit of another write holding the state lock stalls this one only once.
  const size_t n = docs.size();
  std::vector<std::string> ids(n);
  std::vector<std::optional<Result<storage::StoredDocument>>> normalized(n);
  std::vector<std::vector<DocumentSection>> sections(n);
  ParallelFor(n, IngestThreads(), [&](size_t i) {
    ids[i] = docs[i].id;
    normalized[i] = Normalize(std::move(docs[i]), &sections[i]);
  });
  std::vector<char> unchanged(n, 0);
  {
    std::shared_lock<std::shared_mutex> lock(state_mu_);
    for (size_t i = 0; i < n; ++i) {
      if (!normalized[i]->ok()) continue;
      const std::optional<DocRef> ref = FindLocked(ids[i]);
      unchanged[i] = ref && ref->content_digest() == Hash128((*normalized[i])->content_hash);
    }
  }
  UpsertSummary summary;
  std::vector<std::optional<Result<PreparedDocument>>> slots(n);  // nullopt: unchanged
  ParallelFor(n, IngestThreads(), [&](size_t i) {
    if (unchanged[i]) return;
    Result<PreparedDocument> p =
        normalized[i]->ok() ? ChunkAndAnalyze(std::move(*normalized[i]).value(), sections[i])
                            : Result<PreparedDocument>(normalized[i]->status());
    if (!p.ok()) p = p.status().WithContext("document '" + ids[i] + "'");
    slots[i] = std::move(p);
  });
  std::vector<PreparedDocument> prepared;
  prepared.reserve(n);
  for (std::optional<Result<PreparedDocument>>& slot : slots) {
    if (!slot.has_value()) {
      ++summary.unchanged;
      continue;
    }
    // The first failing document, in request order, fails the request.
    if (!slot->ok()) return slot->status();
    prepared.push_back(std::move(*slot).value());
  }
  QUARRY_RETURN_IF_ERROR(EmbedChunks(prepared));

  if (!prepared.empty()) WaitWhileSealLags();
  std::lock_guard<std::mutex> write_lock(write_mu_);
  QUARRY_RETURN_IF_ERROR(WritableLocked());
  storage::WriteBatch batch;
  batch.dimensions = embedder_->dimensions();
  std::vector<DocumentTerms> terms;
  for (PreparedDocument& prep : prepared) {
    storage::AddedDocument& p = prep.added;
    // Only writers change documents_ and write_mu_ is held: no state lock
    // needed to read. Checked again: another writer may have stored it since.
    const std::optional<DocRef> ref = FindLocked(p.doc.id);
    if (ref && ref->content_digest() == Hash128(p.doc.content_hash)) {
      ++summary.unchanged;
      continue;
    }
    if (ref) batch.removed.push_back(p.doc.id);
    summary.chunks += static_cast<uint32_t>(p.doc.chunks.size());
    ++summary.documents;
    batch.added.push_back(std::move(p));
    terms.push_back(std::move(prep.terms));
  }
  if (batch.added.empty()) {
    summary.generation = generation_;
    return summary;
  }
  QUARRY_RETURN_IF_ERROR(CommitLocked(std::move(batch), std::move(terms)));
  summary.generation = generation_;
  return summary;
}

Status CollectionImpl::DeleteDocument(const std::string& id) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  QUARRY_RETURN_IF_ERROR(WritableLocked());
  if (documents_.Find(id) == nullptr) {
    return Status::NotFound("document '" + id + "' is not in collection '" + name_ + "'");
  }
  storage::WriteBatch batch;
  batch.dimensions = embedder_->dimensions();
  batch.removed.push_back(id);
  return CommitLocked(std::move(batch), {});
}

Status CollectionImpl::CommitLocked(storage::WriteBatch batch, std::vector<DocumentTerms> terms) {
  batch.generation = generation_ + 1;
  const std::string record = storage::EncodeWriteBatch(batch);
  QUARRY_ASSIGN_OR_RETURN(uint64_t lsn, wal_->Append(storage::WalRecordType::kWriteBatch, record));
  std::string next_digest = NextStateDigest(state_digest_, record);
  if (config_.storage.fsync == FsyncPolicy::kAlways) QUARRY_RETURN_IF_ERROR(wal_->Sync());
  bool seal = false;
  {
    std::unique_lock<std::shared_mutex> state_lock(state_mu_);
    ApplyLocked(std::move(batch), lsn, std::move(terms));
    state_digest_ = std::move(next_digest);
    mutable_rows_.store(mutable_->rows(), std::memory_order_relaxed);
    seal = mutable_->rows() >= config_.storage.seal_rows;
  }
  if (seal) {
    std::lock_guard<std::mutex> lock(background_mu_);
    seal_requested_ = true;
    background_cv_.notify_one();
  }
  return Status::Ok();
}

// A DocumentTable entry's source is the segment's address with the low bit
// set for a mutable segment (both are at least 2-byte aligned).
DocumentTable::Entry CollectionImpl::DocRef::entry() const {
  static_assert(alignof(MutableSegment) >= 2 && alignof(storage::Segment) >= 2);
  const uint64_t source = memory != nullptr ? reinterpret_cast<uintptr_t>(memory) | 1
                                            : reinterpret_cast<uintptr_t>(sealed);
  return DocumentTable::Entry(source, ordinal);
}

CollectionImpl::DocRef CollectionImpl::DocRef::Of(const DocumentTable::Entry& entry) {
  DocRef ref;
  if (entry.source & 1) {
    ref.memory = reinterpret_cast<MutableSegment*>(static_cast<uintptr_t>(entry.source & ~1ull));
  } else {
    ref.sealed = reinterpret_cast<storage::Segment*>(static_cast<uintptr_t>(entry.source));
  }
  ref.ordinal = entry.ordinal;
  return ref;
}

std::string_view CollectionImpl::DocRef::IdOf(const DocumentTable::Entry& entry) {
  const DocRef ref = Of(entry);
  if (ref.memory != nullptr) return ref.memory->doc(ref.ordinal).doc.id;
  return ref.sealed->store().entries()[ref.ordinal].id;
}

uint32_t CollectionImpl::DocRef::chunks() const {
  if (memory != nullptr) return static_cast<uint32_t>(memory->doc(ordinal).doc.chunks.size());
  return sealed->store().entries()[ordinal].chunks;
}

Digest128 CollectionImpl::DocRef::content_digest() const {
  if (memory != nullptr) return Hash128(memory->doc(ordinal).doc.content_hash);
  return sealed->store().entries()[ordinal].content_digest;
}

std::optional<CollectionImpl::DocRef> CollectionImpl::FindLocked(std::string_view id) const {
  const DocumentTable::Entry* entry = documents_.Find(id);
  if (entry == nullptr) return std::nullopt;
  return DocRef::Of(*entry);
}

void CollectionImpl::RemoveDocumentLocked(const DocRef& ref) {
  if (ref.memory != nullptr) {
    ref.memory->Remove(ref.ordinal);
  } else {
    ref.sealed->MarkDeleted(ref.ordinal);
  }
  chunk_count_ -= ref.chunks();
}

void CollectionImpl::ApplyLocked(storage::WriteBatch batch, uint64_t lsn,
                                 std::vector<DocumentTerms> terms) {
  if (terms.size() != batch.added.size()) {
    // Log replay: the record does not carry terms.
    Result<ObjectPool<text::Analyzer>::Lease> analyzer = analyzers_.Acquire();
    QUARRY_CHECK(analyzer.ok(),
                 "the collection's analyzer options were validated when it was "
                 "created and opened");
    terms.clear();
    for (const storage::AddedDocument& a : batch.added) {
      terms.push_back(AnalyzeDocument(**analyzer, a.doc));
    }
  }
  for (const std::string& id : batch.removed) {
    const std::optional<DocRef> ref = FindLocked(id);
    if (!ref) continue;  // replayed twice: already gone
    RemoveDocumentLocked(*ref);
    documents_.Erase(id);
  }
  for (size_t i = 0; i < batch.added.size(); ++i) {
    storage::AddedDocument& a = batch.added[i];
    // An id already present is replaced, so that replaying a batch is idempotent.
    if (const std::optional<DocRef> old = FindLocked(a.doc.id)) {
      RemoveDocumentLocked(*old);
      documents_.Erase(a.doc.id);
    }
    DocRef ref;
    ref.memory = mutable_.get();
    const std::string id = a.doc.id;
    ref.ordinal = mutable_->Add(std::move(a.doc), a.vectors, terms[i]);
    chunk_count_ += ref.chunks();
    documents_.Insert(id, ref.entry());
  }
  generation_ = std::max(generation_, batch.generation);
  applied_lsn_ = lsn;
}

CollectionInfo CollectionImpl::Info() const {
  std::shared_lock<std::shared_mutex> lock(state_mu_);
  CollectionInfo info;
  info.name = name_;
  info.config = config_;
  info.embedder_fingerprint = embedder_->fingerprint();
  info.embedder_semantic = embedder_->semantic();
  info.embedder_dimensions = embedder_->dimensions();
  info.documents = documents_.size();
  info.chunks = chunk_count_;
  info.generation = generation_;
  info.state_digest = state_digest_;
  info.sealed_segments = sealed_.size();
  info.merges = merges_;
  info.merged_rows = merged_rows_;
  info.merge_seeded_rows = merge_seeded_rows_;
  return info;
}

CollectionState CollectionImpl::State() const {
  std::shared_lock<std::shared_mutex> lock(state_mu_);
  return CollectionState{generation_, state_digest_};
}

Result<DocumentInfo> CollectionImpl::GetDocument(const std::string& id) const {
  std::shared_lock<std::shared_mutex> lock(state_mu_);
  const std::optional<DocRef> ref = FindLocked(id);
  if (!ref) {
    return Status::NotFound("document '" + id + "' is not in collection '" + name_ + "'");
  }
  if (ref->memory != nullptr) return InfoOf(ref->memory->doc(ref->ordinal).doc);
  QUARRY_ASSIGN_OR_RETURN(storage::StoredDocument doc, ref->sealed->store().Read(ref->ordinal));
  return InfoOf(doc);
}

void CollectionImpl::MarkDropped() {
  {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    dropped_ = true;
  }
  StopBackground();
}

}  // namespace quarry::engine
