#include "cache/lru_cache.h"

#include <gtest/gtest.h>

#include <thread>

namespace quarry::cache {
namespace {

struct ManualClock {
  CacheClock::time_point now = CacheClock::time_point(std::chrono::hours(1));
  NowFunction fn() {
    return [this] { return now; };
  }
};

std::shared_ptr<const int> Value(int v) { return std::make_shared<const int>(v); }

TEST(LruCacheTest, EvictsTheLeastRecentlyUsedWithinAShard) {
  ManualClock clock;
  ShardedLruCache<int> cache(3, std::chrono::seconds(60), /*shards=*/1, clock.fn());
  cache.Put("a", Value(1));
  cache.Put("b", Value(2));
  cache.Put("c", Value(3));
  ASSERT_NE(cache.Get("a"), nullptr);  // a is now the most recent
  cache.Put("d", Value(4));            // pushes out b, the least recent
  EXPECT_EQ(cache.Get("b"), nullptr);
  EXPECT_EQ(*cache.Get("a"), 1);
  EXPECT_EQ(*cache.Get("c"), 3);
  EXPECT_EQ(*cache.Get("d"), 4);
  const LruCounters c = cache.Counters();
  EXPECT_EQ(c.evictions, 1u);
  EXPECT_EQ(c.entries, 3u);
  EXPECT_EQ(c.hits, 4u);
  EXPECT_EQ(c.misses, 1u);
}

TEST(LruCacheTest, EntriesExpireAfterTheirTimeToLive) {
  ManualClock clock;
  ShardedLruCache<int> cache(10, std::chrono::seconds(60), 4, clock.fn());
  cache.Put("k", Value(7));
  clock.now += std::chrono::seconds(59);
  ASSERT_NE(cache.Get("k"), nullptr);
  clock.now += std::chrono::seconds(1);
  EXPECT_EQ(cache.Get("k"), nullptr);
  EXPECT_EQ(cache.Counters().expirations, 1u);
  EXPECT_EQ(cache.Counters().entries, 0u);
  // A new Put starts a new lifetime.
  cache.Put("k", Value(8));
  clock.now += std::chrono::seconds(30);
  EXPECT_EQ(*cache.Get("k"), 8);
}

TEST(LruCacheTest, ReplacingAValueKeepsOneEntry) {
  ShardedLruCache<int> cache(10, std::chrono::seconds(60));
  cache.Put("k", Value(1));
  cache.Put("k", Value(2));
  EXPECT_EQ(*cache.Get("k"), 2);
  EXPECT_EQ(cache.Counters().entries, 1u);
}

TEST(LruCacheTest, NeverHoldsMoreThanItsCapacityRoundedUpPerShard) {
  ShardedLruCache<int> cache(100, std::chrono::seconds(60), 16);
  for (int i = 0; i < 10000; ++i) cache.Put("key" + std::to_string(i), Value(i));
  const LruCounters c = cache.Counters();
  EXPECT_LE(c.entries, 16u * ((100 + 15) / 16));
  EXPECT_GE(c.entries, 50u);  // shards fill unevenly, but none stays empty
  EXPECT_EQ(c.inserts, 10000u);
}

TEST(LruCacheTest, ZeroCapacityHoldsNothing) {
  ShardedLruCache<int> cache(0, std::chrono::seconds(60));
  cache.Put("k", Value(1));
  EXPECT_EQ(cache.Get("k"), nullptr);
}

TEST(LruCacheTest, AValueOutlivesItsEvictionWhileHeld) {
  ShardedLruCache<int> cache(1, std::chrono::seconds(60), 1);
  cache.Put("a", Value(1));
  std::shared_ptr<const int> held = cache.Get("a");
  cache.Put("b", Value(2));  // evicts a
  EXPECT_EQ(cache.Get("a"), nullptr);
  EXPECT_EQ(*held, 1);
}

TEST(LruCacheTest, ConcurrentUseKeepsCountsConsistent) {
  ShardedLruCache<int> cache(500, std::chrono::seconds(60));
  constexpr int kThreads = 4, kOps = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < kOps; ++i) {
        const std::string key = "k" + std::to_string((i * 7 + t) % 1000);
        if (auto v = cache.Get(key)) {
          EXPECT_EQ(*v, (i * 7 + t) % 1000);
        } else {
          cache.Put(key, Value((i * 7 + t) % 1000));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const LruCounters c = cache.Counters();
  EXPECT_EQ(c.hits + c.misses, uint64_t{kThreads} * kOps);
  EXPECT_LE(c.entries, 512u);
}

}  // namespace
}  // namespace quarry::cache
