#include "storage/write_batch.h"

#include <cmath>

#include "storage/coding.h"
#include "storage/document_codec.h"

namespace quarry::storage {
namespace {

Status Corrupt(const std::string& what) { return Status::Corruption("write batch: " + what); }

}  // namespace

std::string EncodeWriteBatch(const WriteBatch& batch, DocumentLayout layout) {
  Encoder e;
  e.PutU64(batch.generation);
  e.PutU32(batch.dimensions);
  e.PutU32(static_cast<uint32_t>(batch.removed.size()));
  for (const std::string& id : batch.removed) e.PutString(id);
  e.PutU32(static_cast<uint32_t>(batch.added.size()));
  for (const AddedDocument& a : batch.added) {
    EncodeDocument(a.doc, &e, layout);
    e.PutFloats(a.vectors);
  }
  return std::move(e.buffer());
}

Result<WriteBatch> DecodeWriteBatch(std::string_view payload, uint32_t dimensions,
                                    DocumentLayout layout) {
  Decoder d(payload);
  WriteBatch batch;
  uint32_t removed = 0, added = 0;
  d.GetU64(&batch.generation);
  d.GetU32(&batch.dimensions);
  d.GetU32(&removed);
  if (!d.ok()) return Corrupt("truncated header");
  if (batch.dimensions != dimensions) {
    return Corrupt("vectors of " + std::to_string(batch.dimensions) +
                   " dimensions in a collection of " + std::to_string(dimensions));
  }
  if (removed > d.remaining() / sizeof(uint32_t)) return Corrupt("removed count out of range");
  batch.removed.resize(removed);
  for (std::string& id : batch.removed) d.GetString(&id);
  d.GetU32(&added);
  if (!d.ok()) return Corrupt("truncated removed ids");
  if (added > d.remaining() / kMinEncodedDocumentBytes) return Corrupt("added count out of range");
  batch.added.resize(added);
  for (AddedDocument& a : batch.added) {
    Status s = DecodeDocument(&d, &a.doc, layout);
    if (!s.ok()) return Corrupt(s.message());
    const uint64_t floats = uint64_t{a.doc.chunks.size()} * dimensions;
    if (floats > d.remaining() / sizeof(float)) return Corrupt("truncated vectors");
    a.vectors.resize(floats);
    if (!d.GetFloats(a.vectors)) return Corrupt("truncated vectors");
    for (float x : a.vectors) {
      if (!std::isfinite(x)) return Corrupt("non-finite vector value in '" + a.doc.id + "'");
    }
  }
  if (d.remaining() != 0) {
    return Corrupt(std::to_string(d.remaining()) + " unexpected bytes after the last document");
  }
  return batch;
}

}  // namespace quarry::storage
