#include "embed/embed_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "embed/lexical_embedder.h"

namespace quarry::embed {
namespace {

constexpr uint32_t kDims = 64;

// The real lexical embedder behind a gate: calls block while the gate is
// closed, and every call's size and purpose are recorded, so a test can hold
// a batch in flight and see exactly what the batcher sent. Texts containing
// "fail" make the call fail, as a broken model or service would.
class GatedEmbedder final : public Embedder {
 public:
  std::string fingerprint() const override { return inner_.fingerprint(); }
  uint32_t dimensions() const override { return inner_.dimensions(); }
  uint32_t max_tokens() const override { return inner_.max_tokens(); }
  bool semantic() const override { return false; }
  size_t CountTokens(std::string_view text) const override { return inner_.CountTokens(text); }

  Status Embed(std::span<const std::string_view> texts, EmbedPurpose purpose,
               std::span<float> out) const override {
    std::unique_lock lock(mu_);
    ++entered_;
    batches_.push_back({texts.size(), purpose});
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    lock.unlock();
    for (std::string_view t : texts) {
      if (t.find("fail") != std::string_view::npos) return Status::IOError("model broke on " + std::string(t));
      if (t.find("throw") != std::string_view::npos) throw std::bad_alloc();
    }
    return inner_.Embed(texts, purpose, out);
  }

  void Close() { std::lock_guard lock(mu_); open_ = false; }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  void WaitEntered(int n) const {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return entered_ >= n; });
  }
  struct Batch {
    size_t texts;
    EmbedPurpose purpose;
  };
  std::vector<Batch> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }

 private:
  LexicalEmbedder inner_{kDims};
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  mutable int entered_ = 0;
  mutable std::vector<Batch> batches_;
  bool open_ = true;
};

std::vector<float> Direct(const std::vector<std::string_view>& texts) {
  LexicalEmbedder lexical(kDims);
  std::vector<float> out(texts.size() * kDims);
  EXPECT_TRUE(lexical.Embed(texts, EmbedPurpose::kDocument, out).ok());
  return out;
}

// Waits until `n` calls have been accepted by the batcher.
void WaitQueued(const EmbedBatcher& batcher, uint64_t n) {
  while (batcher.stats().calls < n) std::this_thread::yield();
}

struct Caller {
  std::string text;
  std::vector<float> out = std::vector<float>(kDims);
  Status status;
  std::thread thread;
};

void Launch(const EmbedBatcher& batcher, Caller& c, EmbedPurpose purpose = EmbedPurpose::kDocument) {
  c.thread = std::thread([&batcher, &c, purpose] {
    std::string_view t = c.text;
    c.status = batcher.Embed(std::span(&t, 1), purpose, c.out);
  });
}

TEST(EmbedBatcherTest, RefusesBadOptions) {
  auto inner = std::make_shared<LexicalEmbedder>(kDims);
  EXPECT_FALSE(EmbedBatcher::Create(nullptr, {}).ok());
  EXPECT_FALSE(EmbedBatcher::Create(inner, {.max_batch = 0}).ok());
  EXPECT_FALSE(EmbedBatcher::Create(inner, {.lanes = 0}).ok());
  EXPECT_FALSE(EmbedBatcher::Create(inner, {.max_queued_texts = 0}).ok());
  EmbedBatcherOptions negative;
  negative.max_wait = std::chrono::microseconds(-1);
  Result<std::unique_ptr<EmbedBatcher>> bad = EmbedBatcher::Create(inner, negative);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("max_wait"), std::string::npos);
}

TEST(EmbedBatcherTest, LoneCallRunsAtOnceAndMatchesTheWrappedEmbedder) {
  auto inner = std::make_shared<LexicalEmbedder>(kDims);
  auto batcher = EmbedBatcher::Create(inner, {}).value();
  EXPECT_EQ(batcher->fingerprint(), inner->fingerprint());
  EXPECT_EQ(batcher->dimensions(), kDims);
  std::vector<std::string_view> texts = {"a lone query", "and a second text"};
  std::vector<float> out(texts.size() * kDims);
  ASSERT_TRUE(batcher->Embed(texts, EmbedPurpose::kQuery, out).ok());
  EXPECT_EQ(out, Direct(texts));
  EXPECT_EQ(batcher->stats().batches, 1u);

  std::vector<float> wrong(kDims);
  EXPECT_EQ(batcher->Embed(texts, EmbedPurpose::kQuery, wrong).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(batcher->Embed({}, EmbedPurpose::kQuery, {}).ok());
}

TEST(EmbedBatcherTest, CallsQueuedBehindARunningBatchGoTogether) {
  auto gated = std::make_shared<GatedEmbedder>();
  auto batcher = EmbedBatcher::Create(gated, {}).value();
  gated->Close();
  std::vector<Caller> callers(11);
  for (size_t i = 0; i < callers.size(); ++i) callers[i].text = "text number " + std::to_string(i);
  Launch(*batcher, callers[0]);
  gated->WaitEntered(1);
  for (size_t i = 1; i < callers.size(); ++i) Launch(*batcher, callers[i]);
  WaitQueued(*batcher, callers.size());
  gated->Open();
  for (Caller& c : callers) c.thread.join();

  std::vector<GatedEmbedder::Batch> batches = gated->batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].texts, 1u);
  EXPECT_EQ(batches[1].texts, 10u);
  for (Caller& c : callers) {  // each caller got its own text's vector
    ASSERT_TRUE(c.status.ok()) << c.status.ToString();
    EXPECT_EQ(c.out, Direct({c.text})) << c.text;
  }
}

TEST(EmbedBatcherTest, BatchesStopAtMaxBatchAndAtAChangeOfPurpose) {
  auto gated = std::make_shared<GatedEmbedder>();
  auto batcher = EmbedBatcher::Create(gated, {.max_batch = 4}).value();
  gated->Close();
  std::vector<Caller> callers(10);
  callers[0].text = "first";
  Launch(*batcher, callers[0]);
  gated->WaitEntered(1);
  // Queued in order: 6 documents, 3 queries: batches of 4 + 2 documents, then 3 queries.
  for (size_t i = 1; i < callers.size(); ++i) {
    callers[i].text = "caller " + std::to_string(i);
    Launch(*batcher, callers[i], i <= 6 ? EmbedPurpose::kDocument : EmbedPurpose::kQuery);
    WaitQueued(*batcher, i + 1);  // one at a time, so the queue order is known
  }
  gated->Open();
  for (Caller& c : callers) c.thread.join();
  std::vector<GatedEmbedder::Batch> batches = gated->batches();
  ASSERT_EQ(batches.size(), 4u);
  EXPECT_EQ(batches[1].texts, 4u);
  EXPECT_EQ(batches[2].texts, 2u);
  EXPECT_EQ(batches[2].purpose, EmbedPurpose::kDocument);
  EXPECT_EQ(batches[3].texts, 3u);
  EXPECT_EQ(batches[3].purpose, EmbedPurpose::kQuery);
  for (Caller& c : callers) EXPECT_EQ(c.out, Direct({c.text})) << c.text;
}

TEST(EmbedBatcherTest, AFullQueueRefusesWithOverloaded) {
  auto gated = std::make_shared<GatedEmbedder>();
  auto batcher = EmbedBatcher::Create(gated, {.max_queued_texts = 3}).value();
  gated->Close();
  std::vector<Caller> callers(4);
  for (size_t i = 0; i < callers.size(); ++i) callers[i].text = "queued " + std::to_string(i);
  Launch(*batcher, callers[0]);
  gated->WaitEntered(1);
  for (size_t i = 1; i < callers.size(); ++i) Launch(*batcher, callers[i]);
  WaitQueued(*batcher, callers.size());

  std::string_view extra = "one too many";
  std::vector<float> out(kDims);
  Status refused = batcher->Embed(std::span(&extra, 1), EmbedPurpose::kQuery, out);
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.message().find("overloaded"), std::string::npos);
  EXPECT_EQ(batcher->stats().rejected, 1u);

  gated->Open();
  for (Caller& c : callers) {
    c.thread.join();
    EXPECT_TRUE(c.status.ok());
  }
  EXPECT_TRUE(batcher->Embed(std::span(&extra, 1), EmbedPurpose::kQuery, out).ok());
}

TEST(EmbedBatcherTest, AnErrorFailsEveryCallOfItsBatchAndNoOther) {
  auto gated = std::make_shared<GatedEmbedder>();
  auto batcher = EmbedBatcher::Create(gated, {.max_batch = 2}).value();
  gated->Close();
  std::vector<Caller> callers(5);
  callers[0].text = "runs first";
  callers[1].text = "please fail";
  callers[2].text = "unlucky neighbour";
  callers[3].text = "next batch";
  callers[4].text = "also fine";
  Launch(*batcher, callers[0]);
  gated->WaitEntered(1);
  for (size_t i = 1; i < callers.size(); ++i) {
    Launch(*batcher, callers[i]);
    WaitQueued(*batcher, i + 1);
  }
  gated->Open();
  for (Caller& c : callers) c.thread.join();
  EXPECT_TRUE(callers[0].status.ok());
  EXPECT_EQ(callers[1].status.code(), StatusCode::kIOError);
  EXPECT_EQ(callers[2].status.code(), StatusCode::kIOError);
  EXPECT_TRUE(callers[3].status.ok());
  EXPECT_TRUE(callers[4].status.ok());
  EXPECT_EQ(callers[4].out, Direct({callers[4].text}));
}

TEST(EmbedBatcherTest, AnExceptionFailsItsBatchAndTheBatcherGoesOn) {
  auto gated = std::make_shared<GatedEmbedder>();
  auto batcher = EmbedBatcher::Create(gated, {}).value();
  gated->Close();
  std::vector<Caller> callers(3);
  callers[0].text = "first";
  callers[1].text = "throw please";
  callers[2].text = "same batch";
  Launch(*batcher, callers[0]);
  gated->WaitEntered(1);
  Launch(*batcher, callers[1]);
  WaitQueued(*batcher, 2);
  Launch(*batcher, callers[2]);
  WaitQueued(*batcher, 3);
  gated->Open();
  for (Caller& c : callers) c.thread.join();
  EXPECT_TRUE(callers[0].status.ok());
  for (int i : {1, 2}) {
    EXPECT_EQ(callers[i].status.code(), StatusCode::kInternal) << callers[i].status.ToString();
    EXPECT_NE(callers[i].status.message().find("embedder failed"), std::string::npos);
  }
  // The lane was given back: later calls run.
  std::string_view after = "after the exception";
  std::vector<float> out(kDims);
  ASSERT_TRUE(batcher->Embed(std::span(&after, 1), EmbedPurpose::kQuery, out).ok());
  EXPECT_EQ(out, Direct({after}));
}

TEST(EmbedBatcherTest, ASecondLaneHoldsAPartialBatchUntilFull) {
  auto gated = std::make_shared<GatedEmbedder>();
  // max_wait of an hour: a partial batch is only sent once full.
  auto batcher = EmbedBatcher::Create(
      gated, {.max_batch = 3, .max_wait = std::chrono::hours(1), .lanes = 2}).value();
  gated->Close();
  std::vector<Caller> callers(4);
  for (size_t i = 0; i < callers.size(); ++i) callers[i].text = "lane " + std::to_string(i);
  Launch(*batcher, callers[0]);
  gated->WaitEntered(1);
  Launch(*batcher, callers[1]);
  Launch(*batcher, callers[2]);
  WaitQueued(*batcher, 3);
  // Lane 2 is free but the batch has 2 of 3 texts: it is held. (Checking the
  // gate here could not fail reliably: a wrongly sent batch may not have
  // reached it yet. The size of the second batch below is what fails if the
  // partial batch went out early: it would hold 2 texts, not 3.)
  Launch(*batcher, callers[3]);
  gated->WaitEntered(2);  // now full: sent on the second lane while lane 1 still runs
  std::vector<GatedEmbedder::Batch> batches = gated->batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[1].texts, 3u);
  gated->Open();
  for (Caller& c : callers) c.thread.join();
  for (Caller& c : callers) EXPECT_EQ(c.out, Direct({c.text}));
}

class EmbedBatcherWaitTest : public ::testing::TestWithParam<int> {};

// With a wait of 0 or 1 ms, a partial batch goes out on the free lane while
// the first lane is still held (the test would hang otherwise).
TEST_P(EmbedBatcherWaitTest, APartialBatchGoesOutOnAFreeLaneAfterMaxWait) {
  auto gated = std::make_shared<GatedEmbedder>();
  auto batcher = EmbedBatcher::Create(
      gated, {.max_batch = 8, .max_wait = std::chrono::microseconds(GetParam()), .lanes = 2}).value();
  gated->Close();
  Caller first{"first"}, second{"second"};
  Launch(*batcher, first);
  gated->WaitEntered(1);
  Launch(*batcher, second);
  gated->WaitEntered(2);  // would hang if the partial batch were held
  gated->Open();
  first.thread.join();
  second.thread.join();
  EXPECT_EQ(second.out, Direct({second.text}));
}

INSTANTIATE_TEST_SUITE_P(Waits, EmbedBatcherWaitTest, ::testing::Values(0, 1000));

TEST(EmbedBatcherTest, ManyConcurrentCallersEachGetTheirOwnVectors) {
  auto inner = std::make_shared<LexicalEmbedder>(kDims);
  auto batcher = EmbedBatcher::Create(inner, {.max_batch = 16}).value();
  constexpr int kThreads = 8, kCalls = 200;
  std::atomic<int> wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        // 1 to 3 texts per call, each unique to (thread, call).
        std::vector<std::string> owned;
        for (int j = 0; j <= i % 3; ++j) {
          owned.push_back("thread " + std::to_string(t) + " call " + std::to_string(i) + " part " +
                          std::to_string(j));
        }
        std::vector<std::string_view> texts(owned.begin(), owned.end());
        std::vector<float> out(texts.size() * kDims);
        Status s = batcher->Embed(texts, i % 2 ? EmbedPurpose::kQuery : EmbedPurpose::kDocument, out);
        if (!s.ok()) ++failed;
        else if (out != Direct(texts)) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  EmbedBatcherStats stats = batcher->stats();
  EXPECT_EQ(stats.calls, uint64_t{kThreads} * kCalls);
  EXPECT_LE(stats.batches, stats.calls);
  EXPECT_LE(stats.max_batch_texts, 16u);
}

}  // namespace
}  // namespace quarry::embed
