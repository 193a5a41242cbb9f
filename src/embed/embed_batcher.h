// EmbedBatcher: an Embedder that gathers concurrent calls into batches for
// the embedder it wraps, shared by ingestion and queries.
//
// Why: a transformer encoder runs a batch of 32 texts in far less than 32
// times the time of one (the matrix multiplies get wide enough to use the
// cores), and a remote service charges a round trip per request. Many
// searches arriving at once each embed one query; batching them turns 32
// round trips through the encoder into one.
//
// How (docs/design/embed-batcher.md):
//  - Calls queue in arrival order. Up to `lanes` batches run at once (1 for
//    the local encoder, which already uses every core for one batch; more for
//    a remote service).
//  - A batch is whole calls of the same purpose (query/document), taken in
//    order while their texts sum to at most max_batch. A call with more texts
//    than max_batch is a batch by itself (the wrapped embedder batches it).
//  - No batch running: a call runs at once, so a lone request pays no wait.
//    Some batch running and a lane free: the batch is sent when full or when
//    its oldest call has waited max_wait, whichever comes first. No lane
//    free: calls wait for one.
//  - The caller threads run the batches themselves: the owner of the call at
//    the front of the queue takes the lane and runs the batch its call leads
//    (no dispatcher thread, no hand-off; no caller runs a batch after its own
//    vectors are ready).
//  - Backpressure: a call that would take the queue past max_queued_texts
//    fails at once with Unavailable ("overloaded", HTTP 503) instead of
//    growing memory without bound.
// An error from the wrapped embedder fails every call of that batch with it;
// an exception it throws fails them with Internal (it never escapes).
//
// The fingerprint, dimensions, token counts and semantic() are the wrapped
// embedder's: batching never changes a vector.
//
// Thread-safety: every method may be called concurrently.
#ifndef QUARRY_EMBED_EMBED_BATCHER_H_
#define QUARRY_EMBED_EMBED_BATCHER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "quarry/embedder.h"

namespace quarry::embed {

struct EmbedBatcherOptions {
  uint32_t max_batch = 32;                           // texts per batch
  std::chrono::microseconds max_wait{50'000};        // for a partial batch while others run
  uint32_t lanes = 1;                                // batches running at once
  uint32_t max_queued_texts = 4096;                  // beyond: Unavailable (overloaded)
};

struct EmbedBatcherStats {
  uint64_t calls = 0;        // Embed calls accepted
  uint64_t texts = 0;        // texts in them
  uint64_t batches = 0;      // calls to the wrapped embedder
  uint64_t rejected = 0;     // calls refused as overloaded
  uint64_t max_batch_texts = 0;  // the largest batch sent
};

class EmbedBatcher final : public Embedder {
 public:
  // Fails with InvalidArgument naming the option unless max_batch, lanes and
  // max_queued_texts are >= 1 and max_wait is >= 0.
  static Result<std::unique_ptr<EmbedBatcher>> Create(std::shared_ptr<const Embedder> inner,
                                                      EmbedBatcherOptions options);

  std::string fingerprint() const override { return inner_->fingerprint(); }
  uint32_t dimensions() const override { return inner_->dimensions(); }
  uint32_t max_tokens() const override { return inner_->max_tokens(); }
  bool semantic() const override { return inner_->semantic(); }
  size_t CountTokens(std::string_view text) const override { return inner_->CountTokens(text); }

  // Queues the call, then waits until its batch has run. Fails with
  // Unavailable when the queue is full, with InvalidArgument for a wrong `out`
  // size, or with the wrapped embedder's error.
  Status Embed(std::span<const std::string_view> texts, EmbedPurpose purpose,
               std::span<float> out) const override;

  EmbedBatcherStats stats() const;
  const EmbedBatcherOptions& options() const { return options_; }

 private:
  struct Call;
  using Clock = std::chrono::steady_clock;

  EmbedBatcher(std::shared_ptr<const Embedder> inner, EmbedBatcherOptions options)
      : inner_(std::move(inner)), options_(options) {}

  // With mu_ held: whether the front of the queue may be sent now, and if
  // not, until when to wait before asking again (Clock::time_point::max()
  // when only a finishing batch can change the answer).
  bool FrontIsReady(Clock::time_point now, Clock::time_point* recheck_at) const;
  // With mu_ held: removes the calls of the next batch from the queue.
  std::deque<Call*> TakeBatch() const;
  // Without mu_: runs one batch through the wrapped embedder, scatters the
  // vectors, and records the outcome in each call. Never throws.
  void RunBatch(const std::deque<Call*>& batch) const;
  void RunBatchOrThrow(const std::deque<Call*>& batch) const;

  const std::shared_ptr<const Embedder> inner_;
  const EmbedBatcherOptions options_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // a batch finished or a call arrived
  mutable std::deque<Call*> queue_;          // waiting calls, oldest first
  mutable uint64_t queued_texts_ = 0;
  mutable uint32_t running_ = 0;             // batches in flight
  mutable EmbedBatcherStats stats_;
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_EMBED_BATCHER_H_
