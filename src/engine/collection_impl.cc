#include "engine/collection_impl.h"

#include <algorithm>
#include <unordered_set>

#include "base/hash.h"
#include "base/stopwatch.h"
#include "embed/embedder_factory.h"
#include "engine/json_util.h"
#include "ingest/chunker.h"
#include "text/utf8.h"

namespace quarry::engine {
namespace {

// A document's text may not exceed what 32-bit chunk offsets can address.
constexpr size_t kMaxDocumentTextBytes = (1ull << 32) - 1;

bool IsSupportedMediaType(std::string_view media_type) {
  return media_type == kMediaTypePlainText || media_type == kMediaTypeMarkdown;
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
                                   "' is not supported (text/plain, text/markdown)");
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
  return info;
}

}  // namespace

CollectionImpl::CollectionImpl(std::shared_ptr<Env> env, std::string name, std::string dir,
                               CollectionConfig config, std::unique_ptr<Embedder> embedder)
    : env_(std::move(env)),
      name_(std::move(name)),
      dir_(std::move(dir)),
      config_(config),
      embedder_(std::move(embedder)),
      mutable_(std::make_unique<MutableSegment>(embedder_->dimensions())) {}

CollectionImpl::~CollectionImpl() { StopBackground(); }

uint32_t CollectionImpl::MaxChunkTokens() const {
  return config_.chunking.max_tokens != 0 ? config_.chunking.max_tokens : embedder_->max_tokens();
}

Result<storage::StoredDocument> CollectionImpl::Normalize(DocumentInput input) const {
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
  d.content_hash = ContentHashHex(hashed);
  return d;
}

bool CollectionImpl::IsUnchanged(const storage::StoredDocument& doc) const {
  std::shared_lock<std::shared_mutex> lock(state_mu_);
  auto it = documents_.find(doc.id);
  return it != documents_.end() && it->second.content_hash == doc.content_hash;
}

Result<storage::AddedDocument> CollectionImpl::ChunkAndEmbed(
    storage::StoredDocument doc) const {
  storage::AddedDocument p;
  p.doc = std::move(doc);
  storage::StoredDocument& d = p.doc;
  ingest::ChunkerOptions options;
  options.target_tokens = config_.chunking.target_tokens;
  options.max_tokens = MaxChunkTokens();
  options.overlap = config_.chunking.overlap;
  const Embedder* embedder = embedder_.get();
  QUARRY_ASSIGN_OR_RETURN(
      ingest::Chunker chunker,
      ingest::Chunker::Create(options, [embedder](std::string_view s) {
        return embedder->CountTokens(s);
      }));
  QUARRY_ASSIGN_OR_RETURN(std::vector<ingest::ChunkPiece> pieces,
                          chunker.Chunk(d.text, d.media_type));

  std::vector<std::string_view> texts;
  texts.reserve(pieces.size());
  for (ingest::ChunkPiece& piece : pieces) {
    storage::StoredChunk c;
    c.byte_begin = piece.byte_begin;
    c.byte_end = piece.byte_end;
    c.char_begin = piece.char_begin;
    c.char_end = piece.char_end;
    c.tokens = piece.tokens;
    c.heading = std::move(piece.heading_path);
    texts.push_back(std::string_view(d.text).substr(c.byte_begin, c.byte_end - c.byte_begin));
    d.chunks.push_back(std::move(c));
  }
  p.vectors.resize(texts.size() * embedder_->dimensions());
  QUARRY_RETURN_IF_ERROR(embedder_->Embed(texts, EmbedPurpose::kDocument, p.vectors));
  return p;
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
  // The expensive part (chunking, embedding) runs without any lock, and only
  // for documents whose content changed.
  UpsertSummary summary;
  std::vector<storage::AddedDocument> prepared;
  prepared.reserve(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::string id = docs[i].id;
    Result<storage::StoredDocument> normalized = Normalize(std::move(docs[i]));
    if (!normalized.ok()) return normalized.status().WithContext("document '" + id + "'");
    if (IsUnchanged(*normalized)) {
      ++summary.unchanged;
      continue;
    }
    Result<storage::AddedDocument> p = ChunkAndEmbed(std::move(normalized).value());
    if (!p.ok()) return p.status().WithContext("document '" + id + "'");
    prepared.push_back(std::move(p).value());
  }

  std::lock_guard<std::mutex> write_lock(write_mu_);
  QUARRY_RETURN_IF_ERROR(WritableLocked());
  storage::WriteBatch batch;
  batch.dimensions = embedder_->dimensions();
  for (storage::AddedDocument& p : prepared) {
    // Only writers change documents_ and write_mu_ is held: no state lock
    // needed to read. Checked again: another writer may have stored it since.
    auto it = documents_.find(p.doc.id);
    if (it != documents_.end() && it->second.content_hash == p.doc.content_hash) {
      ++summary.unchanged;
      continue;
    }
    if (it != documents_.end()) batch.removed.push_back(p.doc.id);
    summary.chunks += static_cast<uint32_t>(p.doc.chunks.size());
    ++summary.documents;
    batch.added.push_back(std::move(p));
  }
  if (batch.added.empty()) {
    summary.generation = generation_;
    return summary;
  }
  QUARRY_RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  summary.generation = generation_;
  return summary;
}

Status CollectionImpl::DeleteDocument(const std::string& id) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  QUARRY_RETURN_IF_ERROR(WritableLocked());
  if (documents_.count(id) == 0) {
    return Status::NotFound("document '" + id + "' is not in collection '" + name_ + "'");
  }
  storage::WriteBatch batch;
  batch.dimensions = embedder_->dimensions();
  batch.removed.push_back(id);
  return CommitLocked(std::move(batch));
}

Status CollectionImpl::CommitLocked(storage::WriteBatch batch) {
  batch.generation = generation_ + 1;
  QUARRY_ASSIGN_OR_RETURN(uint64_t lsn, wal_->Append(storage::WalRecordType::kWriteBatch,
                                                     storage::EncodeWriteBatch(batch)));
  if (config_.storage.fsync == FsyncPolicy::kAlways) QUARRY_RETURN_IF_ERROR(wal_->Sync());
  bool seal = false;
  {
    std::unique_lock<std::shared_mutex> state_lock(state_mu_);
    ApplyLocked(std::move(batch), lsn);
    seal = mutable_->rows() >= config_.storage.seal_rows;
  }
  if (seal) {
    std::lock_guard<std::mutex> lock(background_mu_);
    seal_requested_ = true;
    background_cv_.notify_one();
  }
  return Status::Ok();
}

void CollectionImpl::RemoveDocumentLocked(const DocRef& ref) {
  if (ref.memory != nullptr) {
    ref.memory->Remove(ref.ordinal);
  } else {
    ref.sealed->MarkDeleted(ref.ordinal);
  }
  chunk_count_ -= ref.chunks;
}

void CollectionImpl::ApplyLocked(storage::WriteBatch batch, uint64_t lsn) {
  for (const std::string& id : batch.removed) {
    auto it = documents_.find(id);
    if (it == documents_.end()) continue;  // replayed twice: already gone
    RemoveDocumentLocked(it->second);
    documents_.erase(it);
  }
  for (storage::AddedDocument& a : batch.added) {
    // An id already present is replaced, so that replaying a batch is idempotent.
    if (auto it = documents_.find(a.doc.id); it != documents_.end()) {
      RemoveDocumentLocked(it->second);
      documents_.erase(it);
    }
    DocRef ref;
    ref.memory = mutable_.get();
    ref.chunks = static_cast<uint32_t>(a.doc.chunks.size());
    ref.content_hash = a.doc.content_hash;
    const std::string id = a.doc.id;
    ref.ordinal = mutable_->Add(std::move(a.doc), a.vectors);
    chunk_count_ += ref.chunks;
    documents_.emplace(id, std::move(ref));
  }
  generation_ = std::max(generation_, batch.generation);
  applied_lsn_ = lsn;
}

namespace {

// A candidate from one segment, before the merge across segments.
struct Candidate {
  float score;
  int source;  // 0 = mutable, 1 = frozen, 2+i = sealed_[i]
  uint32_t row;
};

}  // namespace

Result<SearchResponse> CollectionImpl::Search(const SearchRequest& request) const {
  Stopwatch total;
  if (request.k < 1 || request.k > kMaxK) {
    return Status::InvalidArgument("k must be between 1 and " + std::to_string(kMaxK) + ", got " +
                                   std::to_string(request.k));
  }
  if (request.ef != 0 && (request.ef < request.k || request.ef > kMaxEf)) {
    return Status::InvalidArgument("ef must be between k and " + std::to_string(kMaxEf));
  }
  if (request.oversampling != 0 &&
      !(request.oversampling >= 1 && request.oversampling <= kMaxOversampling)) {
    return Status::InvalidArgument("oversampling must be between 1 and " +
                                   std::to_string(static_cast<int>(kMaxOversampling)));
  }
  if (request.query.size() > kMaxQueryBytes) {
    return Status::InvalidArgument("query is longer than " + std::to_string(kMaxQueryBytes) +
                                   " bytes");
  }
  const std::string query = text::SanitizeUtf8(request.query);
  if (query.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidArgument("query must not be empty");
  }
  SearchResponse response;
  std::vector<float> qv(embedder_->dimensions());
  std::string_view texts[] = {query};
  QUARRY_RETURN_IF_ERROR(embedder_->Embed(texts, EmbedPurpose::kQuery, qv));
  response.embed_ms = total.ElapsedMillis();
  const bool empty_query = std::all_of(qv.begin(), qv.end(), [](float x) { return x == 0.0f; });

  Stopwatch search;
  std::shared_lock<std::shared_mutex> lock(state_mu_);
  response.generation = generation_;
  if (empty_query) {
    // A query with no words has the zero vector and matches nothing.
    response.search_ms = search.ElapsedMillis();
    response.total_ms = total.ElapsedMillis();
    return response;
  }
  std::vector<Candidate> candidates;
  vector::SearchParams params{
      .k = request.k,
      .ef = std::max(request.ef != 0 ? request.ef : config_.vectors.ef, request.k),
      .rescore = request.rescore,
      .oversampling = request.oversampling};
  auto collect = [&](const vector::VectorIndex& index, int source) -> Status {
    if (index.live_count() == 0) return Status::Ok();
    QUARRY_ASSIGN_OR_RETURN(std::vector<vector::Neighbor> found, index.Search(qv, params));
    for (const vector::Neighbor& n : found) candidates.push_back({n.score, source, n.row});
    return Status::Ok();
  };
  QUARRY_RETURN_IF_ERROR(collect(mutable_->index(), 0));
  if (frozen_ != nullptr) QUARRY_RETURN_IF_ERROR(collect(frozen_->index(), 1));
  for (size_t i = 0; i < sealed_.size(); ++i) {
    QUARRY_RETURN_IF_ERROR(collect(sealed_[i]->index(), 2 + static_cast<int>(i)));
  }
  const size_t keep = std::min<size_t>(request.k, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<ptrdiff_t>(keep),
                    candidates.end(), [](const Candidate& a, const Candidate& b) {
                      if (a.score != b.score) return a.score > b.score;
                      if (a.source != b.source) return a.source < b.source;
                      return a.row < b.row;
                    });
  candidates.resize(keep);
  response.hits.reserve(keep);
  for (const Candidate& c : candidates) {
    storage::StoredDocument sealed_doc;
    const storage::StoredDocument* doc = nullptr;
    uint32_t ordinal_in_doc = 0;
    if (c.source < 2) {
      const MutableSegment& m = c.source == 0 ? *mutable_ : *frozen_;
      const MutableSegment::Doc& d = m.doc(m.OrdinalOfRow(c.row));
      doc = &d.doc;
      ordinal_in_doc = c.row - d.first_row;
    } else {
      const storage::Segment& seg = *sealed_[static_cast<size_t>(c.source - 2)];
      const size_t ordinal = seg.store().OrdinalOfRow(c.row);
      QUARRY_ASSIGN_OR_RETURN(sealed_doc, seg.store().Read(ordinal));
      doc = &sealed_doc;
      ordinal_in_doc = c.row - seg.store().entries()[ordinal].first_row;
    }
    const storage::StoredChunk& chunk = doc->chunks[ordinal_in_doc];
    SearchHit hit;
    hit.document_id = doc->id;
    hit.chunk = ordinal_in_doc;
    hit.score = c.score;
    hit.text = doc->text.substr(chunk.byte_begin, chunk.byte_end - chunk.byte_begin);
    hit.title = doc->title;
    hit.heading = chunk.heading;
    hit.start = chunk.char_begin;
    hit.end = chunk.char_end;
    response.hits.push_back(std::move(hit));
  }
  response.search_ms = search.ElapsedMillis();
  response.total_ms = total.ElapsedMillis();
  return response;
}

CollectionInfo CollectionImpl::Info() const {
  std::shared_lock<std::shared_mutex> lock(state_mu_);
  CollectionInfo info;
  info.name = name_;
  info.config = config_;
  info.embedder_fingerprint = embedder_->fingerprint();
  info.embedder_semantic = embedder_->semantic();
  info.documents = documents_.size();
  info.chunks = chunk_count_;
  info.generation = generation_;
  return info;
}

Result<DocumentInfo> CollectionImpl::GetDocument(const std::string& id) const {
  std::shared_lock<std::shared_mutex> lock(state_mu_);
  auto it = documents_.find(id);
  if (it == documents_.end()) {
    return Status::NotFound("document '" + id + "' is not in collection '" + name_ + "'");
  }
  const DocRef& ref = it->second;
  if (ref.memory != nullptr) return InfoOf(ref.memory->doc(ref.ordinal).doc);
  QUARRY_ASSIGN_OR_RETURN(storage::StoredDocument doc, ref.sealed->store().Read(ref.ordinal));
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
