#include "storage/collection_file.h"

#include <cstring>

#include "base/crc32c.h"
#include "storage/coding.h"
#include "storage/document_codec.h"
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

}  // namespace

std::string EncodeCollectionFile(const CollectionImage& image) {
  Encoder body;
  body.PutString(image.config_json);
  body.PutString(image.embedder_fingerprint);
  body.PutU64(image.generation);
  body.PutU32(image.dimensions);
  body.PutU32(static_cast<uint32_t>(image.documents.size()));
  // The legacy single-file format keeps layout 1: it has no pages.
  for (const StoredDocument& d : image.documents) EncodeDocument(d, &body, DocumentLayout::kV1);
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
  if (doc_count > d.remaining() / kMinEncodedDocumentBytes) {
    return Corrupt("declares " + std::to_string(doc_count) +
                   " documents, more than the file can hold");
  }
  image.documents.resize(doc_count);
  uint64_t total_chunks = 0;
  for (StoredDocument& doc : image.documents) {
    Status s = DecodeDocument(&d, &doc, DocumentLayout::kV1);
    if (!s.ok()) return Corrupt(s.message());
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
