// The keyword postings of a sealed segment: segments/<id>/postings.bm25, one
// BM25 document per row (per chunk), in the format of
// docs/format/bm25-postings.md, which carries its own magic, version and
// checksums. The bytes are memory-mapped; the header and tables are verified
// when the segment opens (lexical::Bm25Index::Open), and each term's postings
// on the term's first use (Bm25Index::VerifyTerm), so a search never reads
// unverified postings and an open reads none.
//
// Thread-safety: immutable once opened; any number of threads may read it.
#ifndef QUARRY_STORAGE_SEGMENT_POSTINGS_H_
#define QUARRY_STORAGE_SEGMENT_POSTINGS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "base/env.h"
#include "base/mapped_file.h"
#include "lexical/bm25_index.h"
#include "quarry/status.h"

namespace quarry::storage {

inline constexpr const char* kPostingsFile = "postings.bm25";

// Writes a serialized lexical index into an empty file (e.g.
// lexical::MergeBm25Indexes, which streams it).
using PostingsWriter = std::function<Status(WritableFile& out)>;

// Writes <dir>/postings.bm25 with `write` (or `bytes`) and fsyncs it; the
// caller syncs the directory.
Status WriteSegmentPostings(Env& env, const std::string& dir, const PostingsWriter& write);
Status WriteSegmentPostings(Env& env, const std::string& dir, std::span<const uint8_t> bytes);

class SegmentPostings {
 public:
  // Maps and verifies <dir>/postings.bm25. Corruption (naming the file) when
  // it is missing, damaged, or (with `rows`) holds another number of
  // documents.
  static Result<std::unique_ptr<SegmentPostings>> Open(Env& env, const std::string& dir,
                                                       uint32_t rows);
  static Result<std::unique_ptr<SegmentPostings>> Open(Env& env, const std::string& dir);
  // Corruption unless the postings hold `rows` documents.
  Status CheckRows(uint32_t rows) const;

  const lexical::Bm25Index& index() const { return index_; }
  size_t file_bytes() const { return file_.size(); }

 private:
  SegmentPostings(std::string path, MappedFile file, lexical::Bm25Index index)
      : path_(std::move(path)), file_(std::move(file)), index_(std::move(index)) {}

  std::string path_;
  MappedFile file_;  // the index reads these bytes in place; moving keeps them where they are
  lexical::Bm25Index index_;
};

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_SEGMENT_POSTINGS_H_
