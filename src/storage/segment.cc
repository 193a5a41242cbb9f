#include "storage/segment.h"

#include <new>
#include <system_error>
#include <thread>

#include "storage/manifest.h"

namespace quarry::storage {

Result<SegmentWriter> SegmentWriter::Create(Env& env, const std::string& collection_dir,
                                            uint64_t id) {
  std::string final_dir = SegmentDirName(collection_dir, id);
  const std::string tmp_dir = final_dir + ".tmp";
  QUARRY_RETURN_IF_ERROR(env.RemoveDirRecursively(tmp_dir));
  QUARRY_RETURN_IF_ERROR(env.CreateDir(tmp_dir));
  QUARRY_ASSIGN_OR_RETURN(ChunkStoreWriter store, ChunkStoreWriter::Create(env, tmp_dir));
  return SegmentWriter(env, std::move(final_dir), std::move(store));
}

Status SegmentWriter::FinishDocuments(std::span<const uint8_t> postings) {
  QUARRY_RETURN_IF_ERROR(store_.Finish());
  return WriteSegmentPostings(*env_, final_dir_ + ".tmp", postings);
}

Status SegmentWriter::FinishDocuments(const PostingsWriter& postings) {
  QUARRY_RETURN_IF_ERROR(store_.Finish());
  return WriteSegmentPostings(*env_, final_dir_ + ".tmp", postings);
}

Status SegmentWriter::Finish(size_t rows, const vector::RowSource& vectors, uint32_t dimensions,
                             const vector::HnswConfig& hnsw,
                             const vector::HnswBuildOptions& build) {
  Env& env = *env_;
  const std::string tmp_dir = final_dir_ + ".tmp";
  QUARRY_RETURN_IF_ERROR(vector::HnswIndex::BuildFile(env, tmp_dir + "/vectors", dimensions, hnsw,
                                                      rows, vectors, build));
  QUARRY_RETURN_IF_ERROR(env.SyncDir(tmp_dir));
  QUARRY_RETURN_IF_ERROR(env.RenameFile(tmp_dir, final_dir_));
  return env.SyncDir(DirName(final_dir_));
}

Result<std::unique_ptr<Segment>> Segment::Open(Env& env, const std::string& collection_dir,
                                               uint64_t id, const SegmentOpenOptions& options) {
  const std::string dir = SegmentDirName(collection_dir, id);
  std::unique_ptr<Segment> s(new Segment());
  s->id_ = id;
  // The keyword postings' tables are verified (the checksum and every entry
  // of the term and length tables; each term's postings wait for its first
  // use), on a thread of their own while the chunk store and the index open
  // here: two parts of the open at once instead of one after the other.
  // Their row count is checked once both are in.
  // Where no thread can be started, they open here, after the rest.
  Result<std::unique_ptr<SegmentPostings>> postings = Status::Internal("not opened");
  const auto open_postings = [&postings, &env, &dir]() noexcept {
    try {
      postings = SegmentPostings::Open(env, dir);
    } catch (const std::bad_alloc&) {
      postings = Status::ResourceExhausted("out of memory opening the keyword postings of " + dir);
    }
  };
  std::thread postings_opener;
  try {
    postings_opener = std::thread(open_postings);
  } catch (const std::system_error&) {
  }
  struct Joiner {  // on every return below
    std::thread& t;
    ~Joiner() {
      if (t.joinable()) t.join();
    }
  } joiner{postings_opener};
  QUARRY_ASSIGN_OR_RETURN(
      s->store_, ChunkStore::Open(env, dir, options.resident_payload, options.payload_cache));
  QUARRY_ASSIGN_OR_RETURN(s->index_, vector::HnswIndex::Open(env, dir + "/vectors",
                                                             {.map_vectors = options.map_vectors,
                                                              .map_graph = options.map_graph,
                                                              .map_codes = options.map_codes}));
  if (s->index_->live_count() != s->store_->rows()) {
    return Status::Corruption(
        "segment " + dir + ": the index holds " + std::to_string(s->index_->live_count()) +
        " vectors but the documents have " + std::to_string(s->store_->rows()) + " chunks");
  }
  if (postings_opener.joinable()) {
    postings_opener.join();
  } else {
    open_postings();
  }
  QUARRY_RETURN_IF_ERROR(postings.status());
  QUARRY_RETURN_IF_ERROR((*postings)->CheckRows(s->store_->rows()));
  s->postings_ = std::move(postings).value();
  s->deleted_ = std::make_unique<std::atomic<uint8_t>[]>(s->store_->entries().size());
  s->deleted_rows_.assign((static_cast<size_t>(s->store_->rows()) + 63) / 64, 0);
  return s;
}

bool Segment::MarkDeleted(uint32_t ordinal) {
  const auto& entries = store_->entries();
  if (ordinal >= entries.size() || deleted_[ordinal].exchange(1) != 0) return false;
  const ChunkStoreEntry& e = entries[ordinal];
  for (uint32_t r = e.first_row; r < e.first_row + e.chunks; ++r) {
    (void)index_->Remove(r);  // cannot fail: the rows exist and were live
    deleted_rows_[r >> 6] |= uint64_t{1} << (r & 63);
  }
  deleted_count_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool Segment::IsDeleted(uint32_t ordinal) const {
  return ordinal < store_->entries().size() &&
         deleted_[ordinal].load(std::memory_order_relaxed) != 0;
}

SegmentEntry Segment::ManifestEntry() const {
  SegmentEntry e;
  e.id = id_;
  e.rows = rows();
  e.documents = static_cast<uint32_t>(store_->entries().size());
  e.deleted_documents = DeletedDocuments();
  return e;
}

std::vector<uint32_t> Segment::DeletedDocuments() const {
  std::vector<uint32_t> out;
  for (uint32_t o = 0; o < store_->entries().size(); ++o) {
    if (deleted_[o].load(std::memory_order_relaxed) != 0) out.push_back(o);
  }
  return out;
}

}  // namespace quarry::storage
