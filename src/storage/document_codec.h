// The binary encoding of a StoredDocument, shared by every file that stores
// documents (write-ahead log records, the chunk store of sealed segments).
//
//   id, title, source, media_type, metadata_json, content_hash, text (strings),
//   chunk_count u32, then per chunk: byte_begin, byte_end, char_begin,
//   char_end, tokens (u32), heading (string)
// A string is a u32 byte length followed by the bytes.
//
// Thread-safety: pure functions.
#ifndef QUARRY_STORAGE_DOCUMENT_CODEC_H_
#define QUARRY_STORAGE_DOCUMENT_CODEC_H_

#include "quarry/status.h"
#include "storage/coding.h"
#include "storage/stored_document.h"

namespace quarry::storage {

void EncodeDocument(const StoredDocument& doc, Encoder* e);

// Decodes one document from untrusted bytes: every length is bounds-checked
// and every chunk's offsets must lie inside the text. Corruption otherwise.
Status DecodeDocument(Decoder* d, StoredDocument* doc);

// Smallest encoding of a document: seven empty strings and a chunk count.
inline constexpr size_t kMinEncodedDocumentBytes = 8 * sizeof(uint32_t);

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_DOCUMENT_CODEC_H_
