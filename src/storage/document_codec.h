// The binary encoding of a StoredDocument, shared by every file that stores
// documents (write-ahead log records, the chunk store of sealed segments).
//
//   id, title, source, media_type, metadata_json, content_hash, text (strings),
//   chunk_count u32, then per chunk: byte_begin, byte_end, char_begin,
//   char_end, tokens (u32), heading (string), and in layout 2 page (u32)
// A string is a u32 byte length followed by the bytes.
//
// The layout is not in the bytes: the file that holds them says which (the
// WAL record type, the chunk store's version). Layout 1 is kept readable so
// that collections written before pages were stored still open.
//
// Thread-safety: pure functions.
#ifndef QUARRY_STORAGE_DOCUMENT_CODEC_H_
#define QUARRY_STORAGE_DOCUMENT_CODEC_H_

#include "quarry/status.h"
#include "storage/coding.h"
#include "storage/stored_document.h"

namespace quarry::storage {

enum class DocumentLayout : uint32_t {
  kV1 = 1,  // no page per chunk (read as page 0)
  kV2 = 2,  // adds each chunk's page
};
inline constexpr DocumentLayout kCurrentDocumentLayout = DocumentLayout::kV2;

// Layout 1 drops the chunks' pages; it is written only by tests that prove
// old files still read, and by the legacy collection file.
void EncodeDocument(const StoredDocument& doc, Encoder* e,
                    DocumentLayout layout = kCurrentDocumentLayout);

// Decodes one document from untrusted bytes: every length is bounds-checked
// and every chunk's offsets must lie inside the text. Corruption otherwise.
Status DecodeDocument(Decoder* d, StoredDocument* doc,
                      DocumentLayout layout = kCurrentDocumentLayout);

// Smallest encoding of a document: seven empty strings and a chunk count.
inline constexpr size_t kMinEncodedDocumentBytes = 8 * sizeof(uint32_t);

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_DOCUMENT_CODEC_H_
