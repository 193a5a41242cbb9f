// The chunk store of a sealed segment: every document of the segment (fields,
// extracted text, chunk spans) in zstd-compressed blocks, plus a small index.
//
//   documents.dat   zstd frames, one per block of encoded documents
//   documents.idx   checksummed envelope (checksummed_file.h) whose body is
//                   the index: the .dat size, per block its offset, sizes,
//                   CRC-32C of the compressed bytes and document range, per
//                   document its id, content hash, first row and chunk count.
// Documents are in row order: document i owns rows [first_row, first_row +
// chunks), contiguous. Format: docs/format/segment.md.
//
// Blocks are read from documents.dat with pread into the reader's memory,
// not through a mapping: a fault on a mapped file maps up to 64 KiB of its
// cached pages into the process (the kernel's fault-around), so every block
// a search ever touched stayed in the process's resident memory; copied, it
// stays only in the page cache, and a failed read is an IOError, not a
// SIGBUS (docs/design/storage-engine.md, "Reading rows and payload with
// pread").
//
// The index is verified when the store is opened; a block is verified (CRC
// of the compressed bytes, then a bounds-checked decode of every document in
// it) each time it is loaded, so corruption is reported, never served. A
// store opened with a BlockCache keeps loaded blocks there (decompressed and
// verified), so the next read in the same block decodes one document.
//
// Thread-safety: a ChunkStore is immutable once opened (its cache is
// thread-safe); Read() may be called from any thread.
#ifndef QUARRY_STORAGE_CHUNK_STORE_H_
#define QUARRY_STORAGE_CHUNK_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/hash.h"
#include "base/huge_page_allocator.h"
#include "quarry/status.h"
#include "storage/block_cache.h"
#include "storage/stored_document.h"

namespace quarry::storage {

inline constexpr std::string_view kChunkStoreIndexMagic{"QRYDOCIX", 8};
// Version 2: documents in layout 2 (document_codec.h: a page per chunk).
// Version 1 (layout 1) is still read.
inline constexpr uint32_t kChunkStoreVersion = 2;
inline constexpr const char* kChunkStoreDataFile = "documents.dat";
inline constexpr const char* kChunkStoreIndexFile = "documents.idx";
// Encoded documents are grouped until a block holds at least this many bytes.
inline constexpr size_t kChunkStoreBlockBytes = 64 << 10;

// What the index keeps in RAM for each document.
struct ChunkStoreEntry {
  std::string id;
  // Hash128 of the document's content hash (stored whole in its block): what
  // a collection compares, without a heap string per document at open.
  Digest128 content_digest;
  uint32_t first_row = 0;
  uint32_t chunks = 0;
};

// One per document, in row order, built at every open: on huge pages (a
// million entries are 53 MiB).
using ChunkStoreEntries = std::vector<ChunkStoreEntry, HugePageAllocator<ChunkStoreEntry>>;

// Writes documents.dat and documents.idx into `dir` a document at a time
// (row order): each block is compressed and appended once it fills, so the
// writer holds one block and the small per-document index entries, never
// the documents (a merge streams its inputs through it). Finish() writes the
// index and syncs both files; the caller syncs the directory. `version`
// other than kChunkStoreVersion is for tests that prove old stores still
// open (1 drops the pages). Move-only; the Env must outlive it.
class ChunkStoreWriter {
 public:
  static Result<ChunkStoreWriter> Create(Env& env, const std::string& dir,
                                         int compression_level = 3,
                                         uint32_t version = kChunkStoreVersion);
  ChunkStoreWriter(ChunkStoreWriter&&) noexcept;
  ~ChunkStoreWriter();

  Status Add(const StoredDocument& doc);
  Status Finish();

 private:
  struct Impl;
  explicit ChunkStoreWriter(std::unique_ptr<Impl> impl);
  Status FlushBlock();
  std::unique_ptr<Impl> impl_;
};

// All of `docs` through a ChunkStoreWriter.
Status WriteChunkStore(Env& env, const std::string& dir, const std::vector<StoredDocument>& docs,
                       int compression_level = 3, uint32_t version = kChunkStoreVersion);

class ChunkStore {
 public:
  // `resident`: decode every block now and keep the documents in RAM
  // (on_disk_payload = false); otherwise blocks are read from the file (one
  // open descriptor per store) and decoded by Read(), through `cache` when
  // given (shared with other
  // stores; it must not be used by a store of the same files twice).
  static Result<std::unique_ptr<ChunkStore>> Open(Env& env, const std::string& dir, bool resident,
                                                  std::shared_ptr<BlockCache> cache = nullptr);
  ~ChunkStore();

  const ChunkStoreEntries& entries() const { return entries_; }
  uint32_t rows() const { return rows_; }
  // The document at position `ordinal` (< entries().size()).
  Result<StoredDocument> Read(size_t ordinal) const;

  // Reads documents mostly in ordinal order, as a merge does: it keeps the
  // one block it decoded last and bypasses the shared block cache, so that a
  // pass over a whole store neither decodes a block once per document nor
  // evicts the blocks that searches are using (RocksDB's fill_cache = false
  // for compactions). Any order is correct; each jump to another block
  // decodes it. One reader per thread; the store must outlive it.
  class SequentialReader {
   public:
    explicit SequentialReader(const ChunkStore& store) : store_(store) {}
    // As ChunkStore::Read.
    Result<StoredDocument> Read(size_t ordinal);

   private:
    const ChunkStore& store_;
    size_t block_ = SIZE_MAX;  // the block in decoded_, if any
    DecodedBlock decoded_;
  };
  // The position of the document owning `row`. REQUIRES: row < rows().
  size_t OrdinalOfRow(uint32_t row) const;
  // Bytes held in RAM (index and resident documents).
  size_t ResidentBytes() const;

 private:
  struct Block {
    uint64_t offset = 0;
    uint32_t compressed = 0;
    uint32_t raw = 0;
    uint32_t crc = 0;
    uint32_t first_doc = 0;
    uint32_t docs = 0;
  };
  ChunkStore() = default;
  Result<std::vector<StoredDocument>> DecodeBlock(size_t block) const;
  // The document at `ordinal` of the decoded `block` that holds it.
  Result<StoredDocument> DocumentIn(const DecodedBlock& block, size_t index, size_t ordinal) const;
  // Checks, decompresses and decodes a block, comparing every document with
  // the index; keeps its bytes and document offsets in *out, and the
  // documents in *docs when not null.
  Status LoadBlock(size_t block, DecodedBlock* out, std::vector<StoredDocument>* docs) const;
  std::string BlockName(size_t block) const;

  std::string dir_;
  std::unique_ptr<RandomAccessFile> data_;  // null once opened resident
  std::vector<Block> blocks_;
  ChunkStoreEntries entries_;
  std::vector<uint32_t, HugePageAllocator<uint32_t>> block_of_doc_;
  std::vector<StoredDocument> resident_;  // all documents when opened resident
  std::shared_ptr<BlockCache> cache_;     // null: every Read() loads its block
  uint64_t cache_owner_ = 0;
  uint32_t rows_ = 0;
  uint32_t version_ = kChunkStoreVersion;  // of documents.idx: the documents' layout
};

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_CHUNK_STORE_H_
