#include "engine/collection_impl.h"

#include <algorithm>
#include <unordered_set>

#include "base/hash.h"
#include "base/stopwatch.h"
#include "embed/embedder_factory.h"
#include "engine/json_util.h"
#include "ingest/chunker.h"
#include "text/utf8.h"
#include "vector/flat_index.h"

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

CollectionImpl::CollectionImpl(std::string name, std::string dir, CollectionConfig config,
                               std::unique_ptr<Embedder> embedder)
    : name_(std::move(name)),
      dir_(std::move(dir)),
      config_(config),
      embedder_(std::move(embedder)),
      index_(std::make_unique<vector::FlatIndex>(embedder_->dimensions())) {}

Result<std::shared_ptr<CollectionImpl>> CollectionImpl::Create(std::string name, std::string dir,
                                                               const CollectionConfig& config) {
  QUARRY_RETURN_IF_ERROR(ValidateCollectionConfig(config));
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<Embedder> embedder, embed::MakeEmbedder(config.embedder));
  if (config.chunking.max_tokens > embedder->max_tokens()) {
    return Status::InvalidArgument(
        "chunking.max_tokens (" + std::to_string(config.chunking.max_tokens) +
        ") is above what the embedder sees whole (" + std::to_string(embedder->max_tokens()) +
        "); longer chunks would be silently truncated");
  }
  if (config.chunking.target_tokens > embedder->max_tokens()) {
    return Status::InvalidArgument("chunking.target_tokens (" +
                                   std::to_string(config.chunking.target_tokens) +
                                   ") is above the embedder's maximum input (" +
                                   std::to_string(embedder->max_tokens()) + " tokens)");
  }
  std::shared_ptr<CollectionImpl> c(
      new CollectionImpl(std::move(name), std::move(dir), config, std::move(embedder)));
  storage::CollectionImage image;
  image.config_json = CollectionConfigToJson(config);
  image.embedder_fingerprint = c->embedder_->fingerprint();
  image.dimensions = c->embedder_->dimensions();
  QUARRY_RETURN_IF_ERROR(storage::WriteCollectionFile(c->dir_, image));
  return c;
}

Result<std::shared_ptr<CollectionImpl>> CollectionImpl::Load(std::string name, std::string dir) {
  QUARRY_ASSIGN_OR_RETURN(storage::CollectionImage image, storage::ReadCollectionFile(dir));
  Result<CollectionConfig> config = CollectionConfigFromJson(image.config_json);
  if (!config.ok()) {
    return Status::Corruption("collection '" + name +
                              "' has an invalid stored config: " + config.status().message());
  }
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<Embedder> embedder, embed::MakeEmbedder(config->embedder));
  if (embedder->fingerprint() != image.embedder_fingerprint ||
      embedder->dimensions() != image.dimensions) {
    return Status::FailedPrecondition(
        "collection '" + name + "' was built with embedder '" + image.embedder_fingerprint +
        "' but this Quarry builds '" + embedder->fingerprint() +
        "'; its vectors cannot be mixed with new ones (re-ingest into a new collection)");
  }
  std::shared_ptr<CollectionImpl> c(
      new CollectionImpl(std::move(name), std::move(dir), *config, std::move(embedder)));
  c->generation_ = image.generation;
  const uint32_t dims = image.dimensions;
  size_t total_chunks = 0;
  for (const auto& d : image.documents) total_chunks += d.chunks.size();
  static_cast<vector::FlatIndex*>(c->index_.get())->Reserve(total_chunks);

  size_t vector_offset = 0;
  std::vector<std::string> none;
  for (auto& d : image.documents) {
    if (c->documents_.count(d.id) != 0) {
      return Status::Corruption("collection '" + c->name_ + "' stores document '" + d.id +
                                "' twice");
    }
    PreparedDocument p;
    const size_t floats = d.chunks.size() * dims;
    p.vectors.assign(image.vectors.begin() + static_cast<ptrdiff_t>(vector_offset),
                     image.vectors.begin() + static_cast<ptrdiff_t>(vector_offset + floats));
    vector_offset += floats;
    p.doc = std::move(d);
    std::vector<PreparedDocument> one;
    one.push_back(std::move(p));
    c->ApplyLocked(none, std::move(one));
  }
  return c;
}

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
  return it != documents_.end() && it->second.doc.content_hash == doc.content_hash;
}

Result<CollectionImpl::PreparedDocument> CollectionImpl::ChunkAndEmbed(
    storage::StoredDocument doc) const {
  PreparedDocument p;
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
  std::vector<PreparedDocument> prepared;
  prepared.reserve(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::string id = docs[i].id;
    Result<storage::StoredDocument> normalized = Normalize(std::move(docs[i]));
    if (!normalized.ok()) return normalized.status().WithContext("document '" + id + "'");
    if (IsUnchanged(*normalized)) {
      ++summary.unchanged;
      continue;
    }
    Result<PreparedDocument> p = ChunkAndEmbed(std::move(normalized).value());
    if (!p.ok()) return p.status().WithContext("document '" + id + "'");
    prepared.push_back(std::move(p).value());
  }

  std::lock_guard<std::mutex> write_lock(write_mu_);
  if (dropped_) return Status::NotFound("collection '" + name_ + "' was deleted");
  std::vector<std::string> removed;
  std::vector<PreparedDocument> added;
  for (PreparedDocument& p : prepared) {
    // Only writers change documents_, and write_mu_ is held: no state lock
    // needed to read. Checked again: another writer may have stored it since.
    auto it = documents_.find(p.doc.id);
    if (it != documents_.end() && it->second.doc.content_hash == p.doc.content_hash) {
      ++summary.unchanged;
      continue;
    }
    if (it != documents_.end()) removed.push_back(p.doc.id);
    summary.chunks += static_cast<uint32_t>(p.doc.chunks.size());
    ++summary.documents;
    added.push_back(std::move(p));
  }
  if (added.empty()) {
    summary.generation = generation_;
    return summary;
  }
  QUARRY_ASSIGN_OR_RETURN(storage::CollectionImage image,
                          NextImage(removed, added, generation_ + 1));
  QUARRY_RETURN_IF_ERROR(storage::WriteCollectionFile(dir_, image));
  std::unique_lock<std::shared_mutex> state_lock(state_mu_);
  ApplyLocked(removed, std::move(added));
  ++generation_;
  summary.generation = generation_;
  return summary;
}

Status CollectionImpl::DeleteDocument(const std::string& id) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  if (dropped_) return Status::NotFound("collection '" + name_ + "' was deleted");
  if (documents_.count(id) == 0) {
    return Status::NotFound("document '" + id + "' is not in collection '" + name_ + "'");
  }
  std::vector<std::string> removed = {id};
  QUARRY_ASSIGN_OR_RETURN(storage::CollectionImage image, NextImage(removed, {}, generation_ + 1));
  QUARRY_RETURN_IF_ERROR(storage::WriteCollectionFile(dir_, image));
  std::unique_lock<std::shared_mutex> state_lock(state_mu_);
  ApplyLocked(removed, {});
  ++generation_;
  return Status::Ok();
}

Result<storage::CollectionImage> CollectionImpl::NextImage(
    const std::vector<std::string>& removed, const std::vector<PreparedDocument>& added,
    uint64_t generation) const {
  const uint32_t dims = embedder_->dimensions();
  storage::CollectionImage image;
  image.config_json = CollectionConfigToJson(config_);
  image.embedder_fingerprint = embedder_->fingerprint();
  image.generation = generation;
  image.dimensions = dims;
  std::unordered_set<std::string_view> skip(removed.begin(), removed.end());
  // Documents in row order, so that a reload assigns rows in the same order.
  std::vector<const DocumentState*> kept;
  kept.reserve(documents_.size());
  for (const auto& [id, state] : documents_) {
    if (skip.count(id) == 0) kept.push_back(&state);
  }
  std::sort(kept.begin(), kept.end(), [](const DocumentState* a, const DocumentState* b) {
    return a->first_row < b->first_row;
  });
  size_t chunks = 0;
  for (const DocumentState* s : kept) chunks += s->doc.chunks.size();
  for (const PreparedDocument& p : added) chunks += p.doc.chunks.size();
  image.vectors.resize(chunks * dims);
  size_t row = 0;
  for (const DocumentState* s : kept) {
    for (size_t c = 0; c < s->doc.chunks.size(); ++c, ++row) {
      QUARRY_RETURN_IF_ERROR(index_->GetVector(
          s->first_row + static_cast<vector::RowId>(c),
          std::span<float>(image.vectors).subspan(row * dims, dims)));
    }
    image.documents.push_back(s->doc);
  }
  for (const PreparedDocument& p : added) {
    std::copy(p.vectors.begin(), p.vectors.end(), image.vectors.begin() + row * dims);
    row += p.doc.chunks.size();
    image.documents.push_back(p.doc);
  }
  return image;
}

void CollectionImpl::ApplyLocked(const std::vector<std::string>& removed,
                                 std::vector<PreparedDocument> added) {
  const uint32_t dims = embedder_->dimensions();
  for (const std::string& id : removed) {
    auto it = documents_.find(id);
    if (it == documents_.end()) continue;
    for (size_t c = 0; c < it->second.doc.chunks.size(); ++c) {
      const vector::RowId row = it->second.first_row + static_cast<vector::RowId>(c);
      (void)index_->Remove(row);  // cannot fail: the row was added with this document
      row_owner_[row] = nullptr;
    }
    chunk_count_ -= it->second.doc.chunks.size();
    documents_.erase(it);
  }
  for (PreparedDocument& p : added) {
    const std::string id = p.doc.id;
    DocumentState& state = documents_[id];
    state.doc = std::move(p.doc);
    state.first_row = static_cast<vector::RowId>(row_owner_.size());
    for (size_t c = 0; c < state.doc.chunks.size(); ++c) {
      // Cannot fail: rows are appended in order and vectors come from our
      // embedder with its dimensions, finite by construction (normalized).
      Status s = index_->Add(static_cast<vector::RowId>(row_owner_.size()),
                             std::span<const float>(p.vectors).subspan(c * dims, dims));
      (void)s;
      row_owner_.push_back(&state);
    }
    chunk_count_ += state.doc.chunks.size();
  }
}

Result<SearchResponse> CollectionImpl::Search(const SearchRequest& request) const {
  Stopwatch total;
  if (request.k < 1 || request.k > kMaxK) {
    return Status::InvalidArgument("k must be between 1 and " + std::to_string(kMaxK) + ", got " +
                                   std::to_string(request.k));
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
  if (!empty_query) {
    // A query with no words has the zero vector and matches nothing.
    QUARRY_ASSIGN_OR_RETURN(std::vector<vector::Neighbor> neighbors,
                            index_->Search(qv, {.k = request.k}));
    response.hits.reserve(neighbors.size());
    for (const vector::Neighbor& n : neighbors) {
      const DocumentState* owner = row_owner_[n.row];
      const uint32_t ordinal = n.row - owner->first_row;
      const storage::StoredChunk& chunk = owner->doc.chunks[ordinal];
      SearchHit hit;
      hit.document_id = owner->doc.id;
      hit.chunk = ordinal;
      hit.score = n.score;
      hit.text = owner->doc.text.substr(chunk.byte_begin, chunk.byte_end - chunk.byte_begin);
      hit.title = owner->doc.title;
      hit.heading = chunk.heading;
      hit.start = chunk.char_begin;
      hit.end = chunk.char_end;
      response.hits.push_back(std::move(hit));
    }
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
  return InfoOf(it->second.doc);
}

void CollectionImpl::MarkDropped() {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  dropped_ = true;
}

}  // namespace quarry::engine
