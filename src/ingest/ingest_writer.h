// IngestWriter: the documents of a sequence of files, gathered into writes of
// up to batch_size documents. The one loop behind `quarry ingest` and HTTP
// uploads (server/upload_job.h), so that both read, batch and fail alike:
//
// - a file that cannot be read or extracted fails alone (AddFile's status);
//   documents it gave before failing (a JSON Lines file cut short) stay given;
// - a record repeating an id of the open batch goes into the next write, so
//   the later record replaces the earlier one as a later upsert would;
// - a failed write stops everything: write_error() is set, the current file
//   stops reading, and nothing more is written.
//
// The write itself is a function (Collection::Upsert in practice): ingest/
// stays below engine/.
//
// Thread-safety: none; one thread uses an IngestWriter.
#ifndef QUARRY_INGEST_INGEST_WRITER_H_
#define QUARRY_INGEST_INGEST_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "ingest/file_source.h"
#include "quarry/document.h"
#include "quarry/status.h"

namespace quarry::ingest {

using WriteDocuments = std::function<Result<UpsertSummary>(std::vector<DocumentInput>)>;

// What the writes so far did, summed.
struct WriteTotals {
  uint64_t documents = 0;  // written (new or changed)
  uint64_t unchanged = 0;  // same content hash: nothing written
  uint64_t chunks = 0;
};

class IngestWriter {
 public:
  // `on_write`, if set, is called after each successful write with the totals.
  // REQUIRES: batch_size >= 1.
  IngestWriter(WriteDocuments write, size_t batch_size,
               std::function<void(const WriteTotals&)> on_write = {});

  // Reads every document of `entry` (ReadDocuments) into the open batch,
  // writing it whenever it is full. Returns how reading went; records skipped
  // go to `problems`. After a failed write, reads nothing and returns that
  // write's error (also in write_error()).
  Status AddFile(const FileEntry& entry, const FileSourceOptions& options,
                 const ProblemSink& problems);

  // Writes the open batch, if any. Returns write_error().
  Status Flush();

  const Status& write_error() const { return write_error_; }
  const WriteTotals& totals() const { return totals_; }

 private:
  Status Add(DocumentInput document);

  const WriteDocuments write_;
  const size_t batch_size_;
  const std::function<void(const WriteTotals&)> on_write_;
  std::vector<DocumentInput> batch_;
  std::unordered_set<std::string> batch_ids_;  // one write may not repeat an id
  Status write_error_ = Status::Ok();
  WriteTotals totals_;
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_INGEST_WRITER_H_
