#include "embed/embed_batcher.h"

#include <algorithm>
#include <string>
#include <vector>

namespace quarry::embed {

struct EmbedBatcher::Call {
  std::span<const std::string_view> texts;
  EmbedPurpose purpose;
  std::span<float> out;
  Clock::time_point arrived;
  Status status;      // written by the runner before `done`
  bool done = false;  // guarded by mu_
};

Result<std::unique_ptr<EmbedBatcher>> EmbedBatcher::Create(std::shared_ptr<const Embedder> inner,
                                                           EmbedBatcherOptions options) {
  if (inner == nullptr) return Status::InvalidArgument("batcher: no embedder to wrap");
  if (options.max_batch < 1) return Status::InvalidArgument("batcher: max_batch must be >= 1");
  if (options.lanes < 1) return Status::InvalidArgument("batcher: lanes must be >= 1");
  if (options.max_queued_texts < 1) {
    return Status::InvalidArgument("batcher: max_queued_texts must be >= 1");
  }
  if (options.max_wait.count() < 0) {
    return Status::InvalidArgument("batcher: max_wait must be >= 0");
  }
  return std::unique_ptr<EmbedBatcher>(new EmbedBatcher(std::move(inner), options));
}

Status EmbedBatcher::Embed(std::span<const std::string_view> texts, EmbedPurpose purpose,
                           std::span<float> out) const {
  if (out.size() != texts.size() * size_t{dimensions()}) {
    return Status::InvalidArgument("batcher: output holds " + std::to_string(out.size()) +
                                   " floats, expected " +
                                   std::to_string(texts.size() * size_t{dimensions()}));
  }
  if (texts.empty()) return Status::Ok();

  Call call{texts, purpose, out, Clock::now(), Status::Ok()};
  std::unique_lock lock(mu_);
  // An empty queue always takes the call, so one call larger than the limit
  // still runs (alone); memory stays within the limit plus one call.
  if (queued_texts_ > 0 && queued_texts_ + texts.size() > options_.max_queued_texts) {
    ++stats_.rejected;
    return Status::Unavailable("embedder overloaded: " + std::to_string(queued_texts_) +
                               " texts already queued (limit " +
                               std::to_string(options_.max_queued_texts) + "); retry later");
  }
  queue_.push_back(&call);
  queued_texts_ += texts.size();
  ++stats_.calls;
  stats_.texts += texts.size();
  changed_.notify_all();  // a lane held open for a partial batch may now be full

  while (!call.done) {
    // Only the owner of the call at the front sends the next batch: a caller
    // is never drafted into running a batch after its own vectors are ready.
    if (queue_.empty() || queue_.front() != &call || running_ >= options_.lanes) {
      changed_.wait(lock);
      continue;
    }
    Clock::time_point recheck_at;
    if (!FrontIsReady(Clock::now(), &recheck_at)) {
      if (recheck_at == Clock::time_point::max()) {
        changed_.wait(lock);
      } else {
        changed_.wait_until(lock, recheck_at);
      }
      continue;
    }
    // This thread's call leads the batch it runs.
    std::deque<Call*> batch = TakeBatch();
    ++running_;
    lock.unlock();
    RunBatch(batch);
    lock.lock();
    --running_;
    for (Call* c : batch) c->done = true;
    changed_.notify_all();
  }
  return call.status;
}

bool EmbedBatcher::FrontIsReady(Clock::time_point now, Clock::time_point* recheck_at) const {
  *recheck_at = Clock::time_point::max();
  if (running_ == 0) return true;  // idle encoder: never make a call wait
  const Call* front = queue_.front();
  size_t texts = 0;
  for (const Call* c : queue_) {
    if (c->purpose != front->purpose) return true;  // the batch cannot grow
    if (texts > 0 && texts + c->texts.size() > options_.max_batch) return true;
    texts += c->texts.size();
    if (texts >= options_.max_batch) return true;
  }
  // Room for more: hold it until the oldest call has waited max_wait.
  Clock::time_point deadline = front->arrived + options_.max_wait;
  if (now >= deadline) return true;
  *recheck_at = deadline;
  return false;
}

std::deque<EmbedBatcher::Call*> EmbedBatcher::TakeBatch() const {
  std::deque<Call*> batch;
  size_t texts = 0;
  const EmbedPurpose purpose = queue_.front()->purpose;
  while (!queue_.empty()) {
    Call* c = queue_.front();
    if (c->purpose != purpose) break;
    if (texts > 0 && texts + c->texts.size() > options_.max_batch) break;
    batch.push_back(c);
    queue_.pop_front();
    texts += c->texts.size();
    if (texts >= options_.max_batch) break;
  }
  queued_texts_ -= texts;
  ++stats_.batches;
  stats_.max_batch_texts = std::max<uint64_t>(stats_.max_batch_texts, texts);
  return batch;
}

void EmbedBatcher::RunBatch(const std::deque<Call*>& batch) const {
  // An exception (std::bad_alloc, say) must not escape: the batch's other
  // callers are waiting for `done`, and the lane must be given back.
  try {
    RunBatchOrThrow(batch);
  } catch (const std::exception& e) {
    for (Call* c : batch) c->status = Status::Internal(std::string("embedder failed: ") + e.what());
  } catch (...) {
    for (Call* c : batch) c->status = Status::Internal("embedder failed with an unknown exception");
  }
}

void EmbedBatcher::RunBatchOrThrow(const std::deque<Call*>& batch) const {
  if (batch.size() == 1) {  // nothing to gather or scatter
    Call* c = batch.front();
    c->status = inner_->Embed(c->texts, c->purpose, c->out);
    return;
  }
  std::vector<std::string_view> texts;
  for (const Call* c : batch) texts.insert(texts.end(), c->texts.begin(), c->texts.end());
  std::vector<float> vectors(texts.size() * size_t{dimensions()});
  Status status = inner_->Embed(texts, batch.front()->purpose, vectors);
  size_t offset = 0;
  for (Call* c : batch) {
    c->status = status;
    if (status.ok()) {
      std::copy_n(vectors.begin() + static_cast<std::ptrdiff_t>(offset), c->out.size(),
                  c->out.begin());
    }
    offset += c->out.size();
  }
}

EmbedBatcherStats EmbedBatcher::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace quarry::embed
