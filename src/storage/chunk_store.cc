#include "storage/chunk_store.h"

#include <zstd.h>

#include <algorithm>
#include <string_view>

#include "base/crc32c.h"
#include "storage/checksummed_file.h"
#include "storage/coding.h"
#include "storage/document_codec.h"

namespace quarry::storage {
namespace {

constexpr uint64_t kMaxIndexBytes = 4ull << 30;
// A block decodes to at most this much (a single huge document may exceed
// kChunkStoreBlockBytes; documents are limited to 4 GiB of text elsewhere).
constexpr uint32_t kMaxBlockRawBytes = UINT32_MAX;

Status WriteAndSync(Env& env, const std::string& path, std::string_view bytes) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f,
                          env.NewWritableFile(path, OpenMode::kTruncate));
  QUARRY_RETURN_IF_ERROR(f->Append(bytes));
  QUARRY_RETURN_IF_ERROR(f->Sync());
  return f->Close();
}

}  // namespace

struct ChunkStoreWriter::Impl {
  std::string dir;
  int compression_level = 3;
  uint32_t version = kChunkStoreVersion;
  DocumentLayout layout = DocumentLayout{};
  std::unique_ptr<WritableFile> data;  // documents.dat
  uint64_t data_size = 0;
  Encoder raw;     // the block being filled
  Encoder blocks;  // the index's block table
  Encoder docs;    // the index's document entries
  uint32_t block_count = 0;
  uint32_t doc_count = 0;
  uint32_t block_first = 0;  // first document of the block being filled
  uint32_t rows = 0;
  Env* env = nullptr;
};

ChunkStoreWriter::ChunkStoreWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChunkStoreWriter::ChunkStoreWriter(ChunkStoreWriter&&) noexcept = default;
ChunkStoreWriter::~ChunkStoreWriter() = default;

Result<ChunkStoreWriter> ChunkStoreWriter::Create(Env& env, const std::string& dir,
                                                  int compression_level, uint32_t version) {
  if (version < 1 || version > kChunkStoreVersion) {
    return Status::InvalidArgument("no chunk store version " + std::to_string(version));
  }
  auto impl = std::make_unique<Impl>();
  impl->env = &env;
  impl->dir = dir;
  impl->compression_level = compression_level;
  impl->version = version;
  impl->layout = static_cast<DocumentLayout>(version);  // version n holds layout n
  QUARRY_ASSIGN_OR_RETURN(impl->data, env.NewWritableFile(dir + "/" + kChunkStoreDataFile,
                                                          OpenMode::kTruncate));
  return ChunkStoreWriter(std::move(impl));
}

Status ChunkStoreWriter::Add(const StoredDocument& doc) {
  Impl& w = *impl_;
  EncodeDocument(doc, &w.raw, w.layout);
  w.docs.PutString(doc.id);
  w.docs.PutString(doc.content_hash);
  w.docs.PutU32(w.rows);
  w.docs.PutU32(static_cast<uint32_t>(doc.chunks.size()));
  w.rows += static_cast<uint32_t>(doc.chunks.size());
  ++w.doc_count;
  return w.raw.buffer().size() >= kChunkStoreBlockBytes ? FlushBlock() : Status::Ok();
}

Status ChunkStoreWriter::FlushBlock() {
  Impl& w = *impl_;
  const std::string& raw = w.raw.buffer();
  std::string compressed(ZSTD_compressBound(raw.size()), '\0');
  const size_t n =
      ZSTD_compress(compressed.data(), compressed.size(), raw.data(), raw.size(),
                    w.compression_level);
  if (ZSTD_isError(n)) {
    return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  }
  compressed.resize(n);
  w.blocks.PutU64(w.data_size);
  w.blocks.PutU32(static_cast<uint32_t>(n));
  w.blocks.PutU32(static_cast<uint32_t>(raw.size()));
  w.blocks.PutU32(crc32c::Value(compressed));
  w.blocks.PutU32(w.block_first);
  w.blocks.PutU32(w.doc_count - w.block_first);
  QUARRY_RETURN_IF_ERROR(w.data->Append(compressed));
  w.data_size += n;
  ++w.block_count;
  w.block_first = w.doc_count;
  w.raw.buffer().clear();
  return Status::Ok();
}

Status ChunkStoreWriter::Finish() {
  Impl& w = *impl_;
  if (w.doc_count > w.block_first) QUARRY_RETURN_IF_ERROR(FlushBlock());
  QUARRY_RETURN_IF_ERROR(w.data->Sync());
  QUARRY_RETURN_IF_ERROR(w.data->Close());
  Encoder index;
  index.PutU64(w.data_size);
  index.PutU32(w.block_count);
  index.buffer() += w.blocks.buffer();
  index.PutU32(w.doc_count);
  index.buffer() += w.docs.buffer();
  return WriteAndSync(*w.env, w.dir + "/" + kChunkStoreIndexFile,
                      EncodeChecksummedFile(kChunkStoreIndexMagic, w.version, index.buffer()));
}

Status WriteChunkStore(Env& env, const std::string& dir, const std::vector<StoredDocument>& docs,
                       int compression_level, uint32_t version) {
  QUARRY_ASSIGN_OR_RETURN(ChunkStoreWriter writer,
                          ChunkStoreWriter::Create(env, dir, compression_level, version));
  for (const StoredDocument& doc : docs) QUARRY_RETURN_IF_ERROR(writer.Add(doc));
  return writer.Finish();
}

ChunkStore::~ChunkStore() {
  if (cache_ != nullptr) cache_->EraseOwner(cache_owner_);
}

Result<std::unique_ptr<ChunkStore>> ChunkStore::Open(Env& env, const std::string& dir,
                                                     bool resident,
                                                     std::shared_ptr<BlockCache> cache) {
  const std::string index_path = dir + "/" + kChunkStoreIndexFile;
  // Mapped rather than read: a million documents make a 55 MiB index, which
  // a read copies into fresh memory (a page fault per 4 KiB) only to decode
  // it once. Segment files never change once written.
  QUARRY_ASSIGN_OR_RETURN(MappedFile index_file, env.MapFile(index_path));
  if (index_file.size() > kMaxIndexBytes) {
    return Status::Corruption(index_path + ": " + std::to_string(index_file.size()) +
                              " bytes, more than an index can be (" +
                              std::to_string(kMaxIndexBytes) + ")");
  }
  index_file.Advise(MappedFile::Access::kSequential);
  const std::string_view index_bytes(reinterpret_cast<const char*>(index_file.data()),
                                     index_file.size());
  QUARRY_ASSIGN_OR_RETURN(ChecksummedBody body,
                          DecodeChecksummedFile(index_bytes, kChunkStoreIndexMagic,
                                                kChunkStoreVersion, index_path));
  auto corrupt = [&index_path](const std::string& m) {
    return Status::Corruption(index_path + ": " + m);
  };
  std::unique_ptr<ChunkStore> store(new ChunkStore());
  store->dir_ = dir;
  store->version_ = body.version;
  QUARRY_ASSIGN_OR_RETURN(store->data_, env.NewRandomAccessFile(dir + "/" + kChunkStoreDataFile));
  Decoder d(body.body);
  uint64_t data_bytes = 0;
  uint32_t block_count = 0, doc_count = 0;
  d.GetU64(&data_bytes);
  d.GetU32(&block_count);
  if (!d.ok()) return corrupt("truncated index header");
  if (data_bytes != store->data_->Size()) {
    return corrupt(std::string(kChunkStoreDataFile) + " is " +
                   std::to_string(store->data_->Size()) + " bytes, the index says " +
                   std::to_string(data_bytes));
  }
  if (block_count > d.remaining() / 28) return corrupt("block count out of range");
  store->blocks_.resize(block_count);
  uint64_t expected_offset = 0;
  uint32_t expected_doc = 0;
  for (Block& b : store->blocks_) {
    d.GetU64(&b.offset);
    d.GetU32(&b.compressed);
    d.GetU32(&b.raw);
    d.GetU32(&b.crc);
    d.GetU32(&b.first_doc);
    d.GetU32(&b.docs);
    if (!d.ok()) return corrupt("truncated block table");
    if (b.offset != expected_offset || b.compressed > data_bytes - b.offset ||
        b.first_doc != expected_doc || b.docs == 0 || b.raw > kMaxBlockRawBytes) {
      return corrupt("block table entry out of range");
    }
    expected_offset += b.compressed;
    expected_doc += b.docs;
  }
  if (expected_offset != data_bytes) return corrupt("blocks do not cover the data file");
  d.GetU32(&doc_count);
  if (!d.ok() || doc_count != expected_doc) return corrupt("document count disagrees with blocks");
  if (doc_count > d.remaining() / 16) return corrupt("document count out of range");
  store->entries_.resize(doc_count);
  uint64_t row = 0;
  for (ChunkStoreEntry& e : store->entries_) {
    std::string_view content_hash;
    d.GetString(&e.id, 1 << 20);
    d.GetView(&content_hash, 1 << 10);
    e.content_digest = Hash128(content_hash);
    d.GetU32(&e.first_row);
    d.GetU32(&e.chunks);
    if (!d.ok()) return corrupt("truncated document table");
    if (e.first_row != row) return corrupt("document rows are not contiguous");
    row += e.chunks;
    if (row > UINT32_MAX) return corrupt("row count out of range");
  }
  if (d.remaining() != 0) return corrupt("unexpected bytes after the document table");
  store->rows_ = static_cast<uint32_t>(row);
  store->block_of_doc_.resize(doc_count);
  for (uint32_t b = 0; b < block_count; ++b) {
    const Block& block = store->blocks_[b];
    std::fill_n(store->block_of_doc_.begin() + block.first_doc, block.docs, b);
  }
  if (resident) {
    store->resident_.reserve(doc_count);
    for (size_t b = 0; b < block_count; ++b) {
      QUARRY_ASSIGN_OR_RETURN(std::vector<StoredDocument> docs, store->DecodeBlock(b));
      for (StoredDocument& doc : docs) store->resident_.push_back(std::move(doc));
    }
    store->data_.reset();
  } else {
    store->data_->AdviseRandom();
    if (cache != nullptr) {
      store->cache_owner_ = cache->NewOwner();
      store->cache_ = std::move(cache);
    }
  }
  return store;
}

std::string ChunkStore::BlockName(size_t block) const {
  return dir_ + "/" + kChunkStoreDataFile + " block " + std::to_string(block);
}

Status ChunkStore::LoadBlock(size_t index, DecodedBlock* out,
                             std::vector<StoredDocument>* docs) const {
  const Block& b = blocks_[index];
  // Copied out of the file rather than read through a mapping: see the
  // class comment.
  std::vector<uint8_t> compressed(b.compressed);
  QUARRY_ASSIGN_OR_RETURN(size_t got, data_->Read(b.offset, compressed));
  if (got != compressed.size()) {
    return Status::IOError(BlockName(index) + ": short read (the file shrank since it was opened)");
  }
  if (crc32c::Value(compressed.data(), compressed.size()) != b.crc) {
    return Status::Corruption(BlockName(index) + ": checksum mismatch");
  }
  std::string& raw = out->raw;
  raw.resize(b.raw);
  const size_t n = ZSTD_decompress(raw.data(), raw.size(), compressed.data(), compressed.size());
  if (ZSTD_isError(n) || n != b.raw) {
    return Status::Corruption(BlockName(index) + ": does not decompress");
  }
  Decoder d(raw);
  out->offsets.resize(b.docs);
  if (docs != nullptr) docs->resize(b.docs);
  StoredDocument scratch;  // reused when the documents are not kept
  for (size_t i = 0; i < b.docs; ++i) {
    out->offsets[i] = static_cast<uint32_t>(raw.size() - d.remaining());
    StoredDocument& doc = docs != nullptr ? (*docs)[i] : scratch;
    Status s = DecodeDocument(&d, &doc, static_cast<DocumentLayout>(version_));
    if (!s.ok()) return Status::Corruption(BlockName(index) + ": " + s.message());
    const ChunkStoreEntry& e = entries_[b.first_doc + i];
    if (doc.id != e.id || doc.chunks.size() != e.chunks ||
        Hash128(doc.content_hash) != e.content_digest) {
      return Status::Corruption(BlockName(index) + ": document disagrees with the index");
    }
  }
  if (d.remaining() != 0) {
    return Status::Corruption(BlockName(index) + ": unexpected bytes after documents");
  }
  return Status::Ok();
}

Result<std::vector<StoredDocument>> ChunkStore::DecodeBlock(size_t index) const {
  DecodedBlock bytes;
  std::vector<StoredDocument> docs;
  QUARRY_RETURN_IF_ERROR(LoadBlock(index, &bytes, &docs));
  return docs;
}

Result<StoredDocument> ChunkStore::Read(size_t ordinal) const {
  if (!resident_.empty()) return resident_[ordinal];
  const uint32_t index = block_of_doc_[ordinal];
  std::shared_ptr<const DecodedBlock> block;
  if (cache_ != nullptr) block = cache_->Lookup(cache_owner_, index);
  if (block == nullptr) {
    auto loaded = std::make_shared<DecodedBlock>();
    QUARRY_RETURN_IF_ERROR(LoadBlock(index, loaded.get(), nullptr));
    block = loaded;
    if (cache_ != nullptr) cache_->Insert(cache_owner_, index, std::move(loaded));
  }
  return DocumentIn(*block, index, ordinal);
}

Result<StoredDocument> ChunkStore::DocumentIn(const DecodedBlock& block, size_t index,
                                              size_t ordinal) const {
  StoredDocument doc;
  Decoder d(std::string_view(block.raw).substr(block.offsets[ordinal - blocks_[index].first_doc]));
  // Cannot fail: LoadBlock decoded the same bytes (immutable since).
  QUARRY_RETURN_IF_ERROR(DecodeDocument(&d, &doc, static_cast<DocumentLayout>(version_)));
  return doc;
}

Result<StoredDocument> ChunkStore::SequentialReader::Read(size_t ordinal) {
  if (!store_.resident_.empty()) return store_.resident_[ordinal];
  const size_t index = store_.block_of_doc_[ordinal];
  if (index != block_) {
    block_ = SIZE_MAX;  // nothing valid in decoded_ if the load fails
    QUARRY_RETURN_IF_ERROR(store_.LoadBlock(index, &decoded_, nullptr));
    block_ = index;
  }
  return store_.DocumentIn(decoded_, index, ordinal);
}

size_t ChunkStore::OrdinalOfRow(uint32_t row) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), row,
                             [](uint32_t r, const ChunkStoreEntry& e) { return r < e.first_row; });
  return static_cast<size_t>(it - entries_.begin()) - 1;
}

size_t ChunkStore::ResidentBytes() const {
  size_t bytes = entries_.size() * sizeof(ChunkStoreEntry) + blocks_.size() * sizeof(Block);
  for (const StoredDocument& d : resident_) bytes += d.text.size() + d.chunks.size() * 36;
  return bytes;
}

}  // namespace quarry::storage
