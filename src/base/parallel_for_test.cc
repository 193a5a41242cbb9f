#include "base/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace quarry {
namespace {

TEST(ParallelForTest, CallsEveryIndexExactlyOnce) {
  for (size_t threads : {1, 2, 3, 8}) {
    for (size_t n : {0, 1, 2, 7, 1000}) {
      std::vector<std::atomic<int>> calls(n);
      ParallelFor(n, threads, [&](size_t i) { calls[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(calls[i].load(), 1) << n << " " << threads;
    }
  }
}

TEST(ParallelForTest, UsesSeveralThreadsAndNoMoreThanAsked) {
  std::mutex mu;
  std::set<std::thread::id> seen;
  std::atomic<int> running{0}, most{0};
  ParallelFor(64, 3, [&](size_t) {
    const int now = running.fetch_add(1) + 1;
    for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    {
      std::lock_guard<std::mutex> lock(mu);
      seen.insert(std::this_thread::get_id());
    }
    running.fetch_sub(1);
  });
  EXPECT_LE(seen.size(), 3u);
  EXPECT_GE(seen.size(), 2u);  // 64 sleeping items: the helpers take some
  EXPECT_LE(most.load(), 3);
  // One thread: everything on the caller.
  seen.clear();
  ParallelFor(5, 1, [&](size_t) { seen.insert(std::this_thread::get_id()); });
  EXPECT_EQ(seen, std::set<std::thread::id>{std::this_thread::get_id()});
}

}  // namespace
}  // namespace quarry
