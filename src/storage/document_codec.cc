#include "storage/document_codec.h"

namespace quarry::storage {
namespace {

// Smallest encoding of a chunk: five u32 and an empty string's length, and
// the page in layout 2.
constexpr size_t MinChunkBytes(DocumentLayout layout) {
  return (layout == DocumentLayout::kV1 ? 6 : 7) * sizeof(uint32_t);
}

Status Corrupt(const std::string& what) { return Status::Corruption("document record: " + what); }

}  // namespace

void EncodeDocument(const StoredDocument& d, Encoder* e, DocumentLayout layout) {
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
    if (layout != DocumentLayout::kV1) e->PutU32(c.page);
  }
}

Status DecodeDocument(Decoder* d, StoredDocument* doc, DocumentLayout layout) {
  if (layout != DocumentLayout::kV1 && layout != DocumentLayout::kV2) {
    return Corrupt("unknown document layout " + std::to_string(static_cast<uint32_t>(layout)));
  }
  d->GetString(&doc->id);
  d->GetString(&doc->title);
  d->GetString(&doc->source);
  d->GetString(&doc->media_type);
  d->GetString(&doc->metadata_json);
  d->GetString(&doc->content_hash);
  d->GetString(&doc->text);
  uint32_t chunk_count = 0;
  if (!d->GetU32(&chunk_count)) return Corrupt("truncated document");
  if (chunk_count > d->remaining() / MinChunkBytes(layout)) {
    return Corrupt("document '" + doc->id + "' declares " + std::to_string(chunk_count) +
                   " chunks, more than the record can hold");
  }
  doc->chunks.resize(chunk_count);
  for (StoredChunk& c : doc->chunks) {
    d->GetU32(&c.byte_begin);
    d->GetU32(&c.byte_end);
    d->GetU32(&c.char_begin);
    d->GetU32(&c.char_end);
    d->GetU32(&c.tokens);
    d->GetString(&c.heading);
    c.page = 0;
    if (layout != DocumentLayout::kV1) d->GetU32(&c.page);
    if (!d->ok()) return Corrupt("truncated chunk in document '" + doc->id + "'");
    if (c.byte_begin > c.byte_end || c.byte_end > doc->text.size() || c.char_begin > c.char_end) {
      return Corrupt("chunk offsets out of range in document '" + doc->id + "'");
    }
  }
  return Status::Ok();
}

}  // namespace quarry::storage
