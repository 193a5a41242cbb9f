#include "ingest/ingest_writer.h"

#include <utility>

namespace quarry::ingest {

IngestWriter::IngestWriter(WriteDocuments write, size_t batch_size,
                           std::function<void(const WriteTotals&)> on_write)
    : write_(std::move(write)), batch_size_(batch_size), on_write_(std::move(on_write)) {}

Status IngestWriter::AddFile(const FileEntry& entry, const FileSourceOptions& options,
                             const ProblemSink& problems) {
  if (!write_error_.ok()) return write_error_;
  const DocumentSink add = [this](DocumentInput document) { return Add(std::move(document)); };
  Status read = ReadDocuments(entry, options, add, problems);
  return write_error_.ok() ? read : write_error_;
}

Status IngestWriter::Add(DocumentInput document) {
  if (batch_ids_.count(document.id) != 0) Flush();
  if (!write_error_.ok()) return write_error_;
  batch_ids_.insert(document.id);
  batch_.push_back(std::move(document));
  if (batch_.size() >= batch_size_) Flush();
  return write_error_;
}

Status IngestWriter::Flush() {
  if (batch_.empty() || !write_error_.ok()) return write_error_;
  Result<UpsertSummary> written = write_(std::move(batch_));
  batch_.clear();
  batch_ids_.clear();
  if (!written.ok()) {
    write_error_ = written.status();
    return write_error_;
  }
  totals_.documents += written->documents;
  totals_.unchanged += written->unchanged;
  totals_.chunks += written->chunks;
  if (on_write_) on_write_(totals_);
  return write_error_;
}

}  // namespace quarry::ingest
