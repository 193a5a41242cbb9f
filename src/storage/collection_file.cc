#include "storage/collection_file.h"

#include <cstring>

#include "base/crc32c.h"
#include "storage/coding.h"
#include "storage/collection_file_format.h"
#include "storage/file_util.h"

namespace quarry::storage {
namespace {

// Body layout (version 1):
//   config_json string, embedder_fingerprint string, generation u64,
//   dimensions u32, document_count u32, then per document:
//     id, title, source, media_type, metadata_json, content_hash, text (strings),
//     chunk_count u32, then per chunk: byte_begin, byte_end, char_begin,
//     char_end, tokens (u32), heading (string)
//   then total_chunks * dimensions float32 values.
// A string is a u32 byte length followed by the bytes.

Status Corrupt(const std::string& what) {
  return Status::Corruption("collection file: " + what);
}

void EncodeDocument(const StoredDocument& d, Encoder* e) {
  e->PutString(d.id);
  e->PutString(d.title);
  e->PutString(d.source);
  e->PutString(d.media_type);
  e->PutString(d.metadata_json);
  e->PutString(d.content_hash);
  e->PutString(d.text);
  e->PutU32(static_cast<uint32_t>(d.chunks.size()));
  for (const StoredChunk& c : d.chunks) {
    e->PutU32(c.byte_begin);
    e->PutU32(c.byte_end);
    e->PutU32(c.char_begin);
    e->PutU32(c.char_end);
    e->PutU32(c.tokens);
    e->PutString(c.heading);
  }
}

// Smallest encoding of a chunk: five u32 and an empty string's length.
constexpr size_t kMinChunkBytes = 6 * sizeof(uint32_t);
// Smallest encoding of a document: seven empty strings and a chunk count.
constexpr size_t kMinDocumentBytes = 8 * sizeof(uint32_t);

Status DecodeDocument(Decoder* d, StoredDocument* doc) {
  d->GetString(&doc->id);
  d->GetString(&doc->title);
  d->GetString(&doc->source);
  d->GetString(&doc->media_type);
  d->GetString(&doc->metadata_json);
  d->GetString(&doc->content_hash);
  d->GetString(&doc->text);
  uint32_t chunk_count = 0;
  if (!d->GetU32(&chunk_count)) return Corrupt("truncated document record");
  if (chunk_count > d->remaining() / kMinChunkBytes) {
    return Corrupt("document '" + doc->id + "' declares " + std::to_string(chunk_count) +
                   " chunks, more than the file can hold");
  }
  doc->chunks.resize(chunk_count);
  for (StoredChunk& c : doc->chunks) {
    d->GetU32(&c.byte_begin);
    d->GetU32(&c.byte_end);
    d->GetU32(&c.char_begin);
    d->GetU32(&c.char_end);
    d->GetU32(&c.tokens);
    d->GetString(&c.heading);
    if (!d->ok()) return Corrupt("truncated chunk record in document '" + doc->id + "'");
    if (c.byte_begin > c.byte_end || c.byte_end > doc->text.size() || c.char_begin > c.char_end) {
      return Corrupt("chunk offsets out of range in document '" + doc->id + "'");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeCollectionFile(const CollectionImage& image) {
  Encoder body;
  body.PutString(image.config_json);
  body.PutString(image.embedder_fingerprint);
  body.PutU64(image.generation);
  body.PutU32(image.dimensions);
  body.PutU32(static_cast<uint32_t>(image.documents.size()));
  for (const StoredDocument& d : image.documents) EncodeDocument(d, &body);
  body.PutFloats(image.vectors);

  Encoder header;
  header.buffer().append(kCollectionFileMagic);
  header.PutU32(kCollectionFileVersion);
  header.PutU32(0);  // flags
  header.PutU64(body.buffer().size());
  header.PutU32(crc32c::Value(body.buffer()));
  header.PutU32(crc32c::Value(header.buffer()));

  std::string out = std::move(header.buffer());
  out += body.buffer();
  return out;
}

Result<CollectionImage> DecodeCollectionFile(std::string_view bytes) {
  if (bytes.size() < kCollectionFileHeaderSize) {
    return Corrupt("file is " + std::to_string(bytes.size()) + " bytes, shorter than its " +
                   std::to_string(kCollectionFileHeaderSize) + "-byte header (truncated?)");
  }
  if (bytes.substr(0, kCollectionFileMagic.size()) != kCollectionFileMagic) {
    return Corrupt("bad magic number: not a Quarry collection file");
  }
  Decoder header(bytes.substr(kCollectionFileMagic.size(), kCollectionFileHeaderSize - 8));
  uint32_t version = 0, flags = 0, body_crc = 0, header_crc = 0;
  uint64_t body_len = 0;
  header.GetU32(&version);
  header.GetU32(&flags);
  header.GetU64(&body_len);
  header.GetU32(&body_crc);
  header.GetU32(&header_crc);
  if (crc32c::Value(bytes.data(), kCollectionFileHeaderSize - 4) != header_crc) {
    return Corrupt("header checksum mismatch");
  }
  if (version > kCollectionFileVersion) {
    return Status::NotSupported("collection file format version " + std::to_string(version) +
                                " is newer than this Quarry reads (" +
                                std::to_string(kCollectionFileVersion) + "); upgrade Quarry");
  }
  if (version != kCollectionFileVersion) {
    return Corrupt("unknown format version " + std::to_string(version));
  }
  const uint64_t available = bytes.size() - kCollectionFileHeaderSize;
  if (body_len != available) {
    return Corrupt("header declares a " + std::to_string(body_len) + "-byte body but " +
                   std::to_string(available) + " bytes follow (truncated or extended file)");
  }
  std::string_view body = bytes.substr(kCollectionFileHeaderSize);
  if (crc32c::Value(body) != body_crc) return Corrupt("body checksum mismatch");

  CollectionImage image;
  Decoder d(body);
  uint32_t doc_count = 0;
  d.GetString(&image.config_json);
  d.GetString(&image.embedder_fingerprint);
  d.GetU64(&image.generation);
  d.GetU32(&image.dimensions);
  d.GetU32(&doc_count);
  if (!d.ok()) return Corrupt("truncated collection header");
  if (image.dimensions == 0) return Corrupt("zero vector dimensions");
  if (doc_count > d.remaining() / kMinDocumentBytes) {
    return Corrupt("declares " + std::to_string(doc_count) +
                   " documents, more than the file can hold");
  }
  image.documents.resize(doc_count);
  uint64_t total_chunks = 0;
  for (StoredDocument& doc : image.documents) {
    QUARRY_RETURN_IF_ERROR(DecodeDocument(&d, &doc));
    total_chunks += doc.chunks.size();
  }
  const uint64_t vector_bytes = total_chunks * image.dimensions * sizeof(float);
  if (vector_bytes != d.remaining()) {
    return Corrupt("vector section is " + std::to_string(d.remaining()) + " bytes, expected " +
                   std::to_string(vector_bytes));
  }
  image.vectors.resize(total_chunks * image.dimensions);
  if (!d.GetFloats(image.vectors)) return Corrupt("truncated vector section");
  return image;
}

Status WriteCollectionFile(const std::string& dir, const CollectionImage& image) {
  return WriteFileAtomically(dir + "/" + kCollectionFileName, EncodeCollectionFile(image));
}

Result<CollectionImage> ReadCollectionFile(const std::string& dir) {
  const std::string path = dir + "/" + kCollectionFileName;
  QUARRY_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path, kMaxCollectionFileBytes));
  Result<CollectionImage> image = DecodeCollectionFile(bytes);
  if (!image.ok()) return image.status().WithContext(path);
  return image;
}

}  // namespace quarry::storage
