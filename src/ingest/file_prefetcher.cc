#include "ingest/file_prefetcher.h"

#include <utility>

namespace quarry::ingest {

namespace {

FileSourceOptions WithoutReadProgress(FileSourceOptions options) {
  options.read_progress = nullptr;
  return options;
}

}  // namespace

FilePrefetcher::FilePrefetcher(const std::vector<FileEntry>* files, FileSourceOptions options,
                               size_t threads, size_t window, uint64_t max_bytes_ahead)
    : files_(files),
      options_(WithoutReadProgress(std::move(options))),
      window_(window),
      max_bytes_ahead_(max_bytes_ahead) {
  if (threads > 1) {
    threads_.reserve(threads);
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { WorkerLoop(); });
  }
}

FilePrefetcher::~FilePrefetcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    changed_.notify_all();
  }
  for (std::thread& t : threads_) t.join();
}

PrefetchedFile FilePrefetcher::Read(size_t index) const {
  const FileEntry& entry = (*files_)[index];
  PrefetchedFile out;
  Result<DocumentFormat> format = SniffFileFormat(entry);
  if (format.ok() && *format == DocumentFormat::kJsonLines) {
    out.streamed = true;
    return out;
  }
  // A file that cannot be opened fails again, with the same reason, here.
  out.status = ReadDocuments(
      entry, options_,
      [&out](DocumentInput doc) {
        out.documents.push_back(std::move(doc));
        return Status::Ok();
      },
      [&out](std::string problem) { out.problems.push_back(std::move(problem)); });
  return out;
}

void FilePrefetcher::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] {
      if (stopping_) return true;
      if (next_to_read_ >= files_->size() || next_to_read_ >= next_to_take_ + window_) {
        return false;
      }
      const uint64_t size = (*files_)[next_to_read_].size_bytes;
      return bytes_ahead_ == 0 || bytes_ahead_ + size <= max_bytes_ahead_;
    });
    if (stopping_) return;
    const size_t index = next_to_read_++;
    bytes_ahead_ += (*files_)[index].size_bytes;
    lock.unlock();
    PrefetchedFile file = Read(index);
    lock.lock();
    ready_.emplace(index, std::move(file));
    changed_.notify_all();
  }
}

PrefetchedFile FilePrefetcher::Take(size_t index) {
  if (threads_.empty()) return Read(index);
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return ready_.count(index) != 0; });
  PrefetchedFile file = std::move(ready_.at(index));
  ready_.erase(index);
  bytes_ahead_ -= (*files_)[index].size_bytes;
  next_to_take_ = index + 1;
  changed_.notify_all();
  return file;
}

}  // namespace quarry::ingest
