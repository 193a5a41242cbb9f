#include "ingest/write_pipeline.h"

#include <utility>

namespace quarry::ingest {

WritePipeline::WritePipeline(Collection* collection, WritePipelineOptions options)
    : collection_(collection), options_(options) {
  if (options_.writers > 1) {
    threads_.reserve(options_.writers);
    for (size_t i = 0; i < options_.writers; ++i) threads_.emplace_back([this] { WriterLoop(); });
  }
}

WritePipeline::~WritePipeline() { (void)Finish(); }

Status WritePipeline::Add(DocumentInput doc) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_.ok()) return error_;
  }
  if (open_ids_.count(doc.id) != 0) QUARRY_RETURN_IF_ERROR(Submit());
  const size_t bytes = doc.text.size();
  if (!open_.docs.empty() && open_.bytes + bytes > options_.batch_bytes) {
    QUARRY_RETURN_IF_ERROR(Submit());
  }
  open_ids_.insert(doc.id);
  open_.bytes += bytes;
  open_.docs.push_back(std::move(doc));
  if (open_.docs.size() >= options_.batch_documents) return Submit();
  return Status::Ok();
}

Status WritePipeline::Submit() {
  std::vector<DocumentInput> docs = std::move(open_.docs);
  open_ = Batch{};
  open_ids_.clear();
  if (threads_.empty()) {
    if (!docs.empty()) Write(std::move(docs));
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (docs.empty()) return error_;
  changed_.wait(lock, [&] { return !error_.ok() || (queue_.empty() && !ConflictsLocked(docs)); });
  if (!error_.ok()) return error_;
  for (const DocumentInput& d : docs) ++ids_in_flight_[d.id];
  queue_.push_back(std::move(docs));
  changed_.notify_all();
  return Status::Ok();
}

bool WritePipeline::ConflictsLocked(const std::vector<DocumentInput>& docs) const {
  if (ids_in_flight_.empty()) return false;
  for (const DocumentInput& d : docs) {
    if (ids_in_flight_.count(d.id) != 0) return true;
  }
  return false;
}

void WritePipeline::WriterLoop() {
  for (;;) {
    std::vector<DocumentInput> docs;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      docs = std::move(queue_.front());
      queue_.pop_front();
      changed_.notify_all();  // room for the adding thread's next batch
    }
    Write(std::move(docs));
  }
}

void WritePipeline::Write(std::vector<DocumentInput> docs) {
  std::vector<std::string> ids;
  if (!threads_.empty()) {
    ids.reserve(docs.size());
    for (const DocumentInput& d : docs) ids.push_back(d.id);
  }
  Result<UpsertSummary> written = collection_->Upsert(std::move(docs));
  std::unique_lock<std::mutex> lock(mu_);
  if (written.ok()) {
    totals_.documents += written->documents;
    totals_.unchanged += written->unchanged;
    totals_.chunks += written->chunks;
    ++totals_.writes;
    if (options_.on_write) {
      const WriteTotals now = totals_;
      lock.unlock();
      options_.on_write(now);
      lock.lock();
    }
  } else if (error_.ok()) {
    error_ = written.status();
    // What waits is not written; what another writer holds completes.
    for (const std::vector<DocumentInput>& queued : queue_) {
      for (const DocumentInput& d : queued) ReleaseIdLocked(d.id);
    }
    queue_.clear();
  }
  for (const std::string& id : ids) ReleaseIdLocked(id);
  changed_.notify_all();
}

void WritePipeline::ReleaseIdLocked(const std::string& id) {
  auto it = ids_in_flight_.find(id);
  if (--it->second == 0) ids_in_flight_.erase(it);
}

Status WritePipeline::Finish() {
  if (finished_) {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }
  finished_ = true;
  (void)Submit();  // its error, if any, is error_
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    changed_.notify_all();
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

WriteTotals WritePipeline::totals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return totals_;
}

}  // namespace quarry::ingest
