// WritePipeline: writes a stream of documents to a collection in batches, with
// several writes in flight, so that reading the next files overlaps with
// chunking, embedding and committing the previous ones
// (docs/design/ingest-cli.md, "How a run is pipelined").
//
// Add() collects documents into a batch; a full batch (batch_documents, or
// batch_bytes of text) goes to one of `writers` writer threads, which calls
// Collection::Upsert with it. Add() blocks while `writers` batches are in flight
// and one more is waiting: at most (writers + 1) batches, plus the open one,
// are held in memory, whatever the size of the input.
//
// Order: a later document with the id of an earlier one replaces it, as two
// upserts in that order would: a repeated id closes the open batch, and a batch
// holding an id of a batch still in flight waits for that one to finish.
// Writes of distinct ids may commit in any order.
//
// Errors: the first failed write stops the pipeline. Add() and Finish() return
// its status from then on; the batch waiting for a writer is dropped, batches
// being written complete and count in totals(). Nothing is retried.
//
// With writers == 1 there is no thread: Upsert runs on the caller's thread
// inside Add() and Finish() (the one-thread baseline of bench/ingest).
//
// Thread-safety: Add() and Finish() from one thread; totals() from any.
#ifndef QUARRY_INGEST_WRITE_PIPELINE_H_
#define QUARRY_INGEST_WRITE_PIPELINE_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "quarry/engine.h"

namespace quarry::ingest {

struct WriteTotals {
  uint64_t documents = 0;  // written (new or changed)
  uint64_t unchanged = 0;  // same content hash: nothing written
  uint64_t chunks = 0;
  uint64_t writes = 0;  // Upsert calls that succeeded
};

struct WritePipelineOptions {
  size_t batch_documents = 64;     // documents per write
  size_t batch_bytes = 16u << 20;  // text bytes per write (a batch holds at least one document)
  size_t writers = 1;              // writes in flight; 1 = on the caller's thread
  // If set, called after each successful write with the totals so far, on the
  // thread that wrote (with several writers, possibly concurrently with
  // itself). For progress.
  std::function<void(const WriteTotals&)> on_write;
};

class WritePipeline {
 public:
  // REQUIRES: collection outlives the pipeline; batch_documents, writers >= 1.
  WritePipeline(Collection* collection, WritePipelineOptions options);
  ~WritePipeline();  // Finish(), ignoring its status
  WritePipeline(const WritePipeline&) = delete;
  WritePipeline& operator=(const WritePipeline&) = delete;

  // Adds one document to the open batch. Returns the first write error, if any
  // write failed (the document is then dropped).
  Status Add(DocumentInput doc);

  // Writes the open batch and waits for every write in flight. Returns the
  // first write error, if any. Add() may not be called after Finish().
  Status Finish();

  WriteTotals totals() const;

 private:
  struct Batch {
    std::vector<DocumentInput> docs;
    size_t bytes = 0;
  };

  // Sends the open batch to a writer (or writes it, with one writer).
  Status Submit();
  void WriterLoop();
  // Upserts `docs` and records the outcome; on the first error, drops the
  // queued batch. Called without mu_.
  void Write(std::vector<DocumentInput> docs);
  void ReleaseIdLocked(const std::string& id);
  bool ConflictsLocked(const std::vector<DocumentInput>& docs) const;

  Collection* const collection_;
  const WritePipelineOptions options_;

  Batch open_;                                // only the adding thread
  std::unordered_set<std::string> open_ids_;  // only the adding thread

  mutable std::mutex mu_;
  std::condition_variable changed_;  // a batch was queued, taken or finished; or stopping
  std::deque<std::vector<DocumentInput>> queue_;           // guarded by mu_
  std::unordered_map<std::string, size_t> ids_in_flight_;  // guarded by mu_; queued or writing
  bool stopping_ = false;                                  // guarded by mu_
  Status error_ = Status::Ok();                            // guarded by mu_; the first
  WriteTotals totals_;                                     // guarded by mu_
  std::vector<std::thread> threads_;
  bool finished_ = false;  // only the adding thread
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_WRITE_PIPELINE_H_
