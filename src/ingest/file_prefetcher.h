// FilePrefetcher: reads and extracts the files of an ingestion run on
// background threads, ahead of the thread that writes their documents, and
// hands each file's result over in the files' order (so a run's documents
// reach the collection in the same order whatever the threads' timing).
//
// Extraction (decoding, HTML parsing, the PDF sandbox process) is most of the
// cost of a folder of documents; done here, it runs on every core while the
// writing thread feeds the WritePipeline.
//
// JSON Lines files, which may be gigabytes, are not read ahead: Take() reports
// them as `streamed`, and the taking thread reads them itself with
// ReadDocuments (its documents are then in file order too). Every other file
// (one document, or the records of a JSON file, at most max_file_bytes) is
// read whole by a worker.
//
// Memory: at most `window` files, and at most `max_bytes_ahead` bytes of files
// (by FileEntry::size_bytes; one file is always allowed), are read ahead of
// the one being taken.
//
// With threads == 1 there is no thread: Take(i) reads file i on the caller's
// thread.
//
// Thread-safety: Take() from one thread, in order: 0, 1, 2...
#ifndef QUARRY_INGEST_FILE_PREFETCHER_H_
#define QUARRY_INGEST_FILE_PREFETCHER_H_

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ingest/file_source.h"

namespace quarry::ingest {

struct PrefetchedFile {
  bool streamed = false;                 // JSON Lines: read it with ReadDocuments
  Status status = Status::Ok();          // as ReadDocuments returned it
  std::vector<DocumentInput> documents;  // those read before any failure
  std::vector<std::string> problems;     // records skipped, as ProblemSink got them
};

class FilePrefetcher {
 public:
  static constexpr uint64_t kDefaultMaxBytesAhead = 256ull << 20;

  // REQUIRES: `files` outlives the prefetcher; threads >= 1; window >= 1.
  // options.read_progress is not called by the workers.
  FilePrefetcher(const std::vector<FileEntry>* files, FileSourceOptions options, size_t threads,
                 size_t window, uint64_t max_bytes_ahead = kDefaultMaxBytesAhead);
  ~FilePrefetcher();  // stops the workers (files being read are finished first)
  FilePrefetcher(const FilePrefetcher&) = delete;
  FilePrefetcher& operator=(const FilePrefetcher&) = delete;

  // The result of file `index`, waiting for it if needed.
  // REQUIRES: index is the previous call's plus one (the first call: 0).
  PrefetchedFile Take(size_t index);

 private:
  PrefetchedFile Read(size_t index) const;
  void WorkerLoop();

  const std::vector<FileEntry>* const files_;
  const FileSourceOptions options_;
  const size_t window_;
  const uint64_t max_bytes_ahead_;

  std::mutex mu_;
  std::condition_variable changed_;         // a file was read or taken; or stopping
  std::map<size_t, PrefetchedFile> ready_;  // guarded by mu_
  size_t next_to_read_ = 0;                 // guarded by mu_
  size_t next_to_take_ = 0;                 // guarded by mu_
  uint64_t bytes_ahead_ = 0;                // guarded by mu_; of files claimed, not yet taken
  bool stopping_ = false;                   // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_FILE_PREFETCHER_H_
