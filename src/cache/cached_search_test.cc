// The read path with both tiers, over real engines and a real redis-server.
#include "cache/cached_search.h"

#include <gtest/gtest.h>

#include "base/testing/temp_dir.h"
#include "cache/cache_key.h"
#include "cache/testing/redis_server.h"
#include "cache/value_codec.h"

#include <functional>
#include <thread>

namespace quarry::cache {
namespace {

std::vector<DocumentInput> Docs() {
  return {
      {.id = "heart", .text = "Aspirin lowers the risk of a second heart attack in adults."},
      {.id = "sleep", .text = "Short sleep raises blood pressure and the risk of stroke."},
      {.id = "bones", .text = "Vitamin D and calcium keep bones strong in older adults."},
  };
}

std::vector<std::string> Ids(const SearchResponse& r) {
  std::vector<std::string> ids;
  for (const SearchHit& h : r.hits) ids.push_back(h.document_id + "#" + std::to_string(h.chunk));
  return ids;
}

class CachedSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start(redis_dir_.path());
    if (server.status().code() == StatusCode::kNotFound) GTEST_SKIP() << server.status().message();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    redis_ = std::move(server).value();
  }

  CacheOptions Options(bool with_l2 = true) const {
    CacheOptions o;
    if (with_l2) {
      RedisOptions r;
      r.port = redis_->port();
      r.connect_timeout = std::chrono::milliseconds(200);
      r.socket_timeout = std::chrono::milliseconds(200);
      o.l2 = r;
    }
    return o;
  }

  // A replica: its own data directory, the same collection and writes.
  struct Replica {
    quarry::testing::TempDir dir;
    std::unique_ptr<Engine> engine;
    std::shared_ptr<Collection> collection;
  };
  std::unique_ptr<Replica> MakeReplica() {
    auto r = std::make_unique<Replica>();
    auto engine = Engine::Open({.data_dir = r->dir.path()});
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    r->engine = std::move(engine).value();
    auto c = r->engine->CreateCollection("docs", CollectionConfig{});
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    r->collection = *c;
    EXPECT_TRUE(r->collection->Upsert(Docs()).ok());
    return r;
  }

  quarry::testing::TempDir redis_dir_;
  std::unique_ptr<testing::RedisServer> redis_;
};

TEST_F(CachedSearchTest, ASecondAskIsAnL1HitWithTheSameAnswer) {
  auto a = MakeReplica();
  CachedSearch cached(Options(false));
  const SearchRequest request{.query = "heart attack aspirin", .k = 3};
  auto first = cached.Search(*a->collection, request, "{}");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->tier, CacheTier::kMiss);
  auto second = cached.Search(*a->collection, request, "{}");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->tier, CacheTier::kL1);
  EXPECT_EQ(Ids(*second->response), Ids(*first->response));
  EXPECT_EQ(second->response->hits.front().document_id, "heart");
  const RequestCounters c = cached.Counters();
  EXPECT_EQ(c.miss, 1u);
  EXPECT_EQ(c.l1, 1u);
  EXPECT_EQ(c.embedding_computed, 1u);
  EXPECT_EQ(cached.popular().Top(1).front().count, 2u);

  ASSERT_TRUE(cached.cache().Clear().ok());
  const CacheStats cleared = cached.cache().Stats();
  EXPECT_EQ(cleared.l1_results.hits + cleared.l1_results.misses + cleared.l1_results.entries, 0u);
  EXPECT_EQ(cached.Search(*a->collection, request, "{}")->tier, CacheTier::kMiss);
}

TEST_F(CachedSearchTest, ReplicasShareTheL2AndAWriteMovesBothToNewKeys) {
  auto a = MakeReplica();
  auto b = MakeReplica();
  ASSERT_EQ(a->collection->State().digest, b->collection->State().digest)
      << "replicas with the same history share a state digest";
  CachedSearch on_a(Options()), on_b(Options());
  const SearchRequest request{.query = "risk of stroke", .k = 3};
  auto computed = on_a.Search(*a->collection, request, "{}");
  ASSERT_TRUE(computed.ok());
  ASSERT_EQ(computed->tier, CacheTier::kMiss);
  auto shared = on_b.Search(*b->collection, request, "{}");
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(shared->tier, CacheTier::kL2);
  EXPECT_EQ(Ids(*shared->response), Ids(*computed->response));
  EXPECT_EQ(on_b.cache().Stats().l2_results.hits, 1u);
  // The chunk scores travel with the cached hits.
  for (size_t i = 0; i < shared->response->hits.size(); ++i) {
    const SearchHit& got = shared->response->hits[i];
    const SearchHit& want = computed->response->hits[i];
    EXPECT_GT(want.importance, 0);
    EXPECT_EQ(got.importance, want.importance);
    EXPECT_EQ(got.semantic_density, want.semantic_density);
  }

  // The same write on both replicas: neither may serve the old answer.
  const std::vector<DocumentInput> write = {
      {.id = "stroke", .text = "Stroke risk falls with treated blood pressure: a stroke study."}};
  ASSERT_TRUE(a->collection->Upsert(write).ok());
  ASSERT_TRUE(b->collection->Upsert(write).ok());
  auto after_a = on_a.Search(*a->collection, request, "{}");
  ASSERT_TRUE(after_a.ok());
  EXPECT_EQ(after_a->tier, CacheTier::kMiss);
  EXPECT_EQ(after_a->response->hits.front().document_id, "stroke");
  auto after_b = on_b.Search(*b->collection, request, "{}");
  ASSERT_TRUE(after_b.ok());
  EXPECT_EQ(after_b->tier, CacheTier::kL2) << "b finds what a computed after the same write";
  EXPECT_EQ(Ids(*after_b->response), Ids(*after_a->response));
}

TEST_F(CachedSearchTest, TheDigestSurvivesARestartSoTheL2StillServes) {
  auto a = MakeReplica();
  const std::string digest = a->collection->State().digest;
  CachedSearch cached(Options());
  const SearchRequest request{.query = "bones calcium", .k = 2};
  ASSERT_TRUE(cached.Search(*a->collection, request, "{}").ok());
  a->collection.reset();
  a->engine.reset();
  auto engine = Engine::Open({.data_dir = a->dir.path()});
  ASSERT_TRUE(engine.ok());
  auto reopened = (*engine)->GetCollection("docs");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->State().digest, digest) << "recomputed from the log on recovery";
  CachedSearch fresh(Options());
  auto again = fresh.Search(**reopened, request, "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->tier, CacheTier::kL2);
}

TEST_F(CachedSearchTest, ARecreatedCollectionNeverGetsTheOldCollectionsAnswers) {
  auto a = MakeReplica();
  CachedSearch cached(Options());
  const SearchRequest request{.query = "aspirin", .k = 3};
  auto old_answer = cached.Search(*a->collection, request, "{}");
  ASSERT_TRUE(old_answer.ok());
  ASSERT_FALSE(old_answer->response->hits.empty());
  const uint64_t generation = a->collection->State().generation;
  ASSERT_TRUE(a->engine->DropCollection("docs").ok());
  auto c = a->engine->CreateCollection("docs", CollectionConfig{});
  ASSERT_TRUE(c.ok());
  // One write, like the first collection: the same generation, other content.
  ASSERT_TRUE((*c)->Upsert({{.id = "other", .text = "Aspirin is sold in pharmacies."}}).ok());
  ASSERT_EQ((*c)->State().generation, generation);
  auto answer = cached.Search(**c, request, "{}");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->tier, CacheTier::kMiss);
  ASSERT_EQ(answer->response->hits.size(), 1u);
  EXPECT_EQ(answer->response->hits.front().document_id, "other");
}

TEST_F(CachedSearchTest, GarbageInTheL2IsIgnoredAndCounted) {
  auto a = MakeReplica();
  const SearchRequest request{.query = "blood pressure", .k = 3};
  CachedSearch reference(Options(false));
  auto expected = reference.Search(*a->collection, request, "{}");
  ASSERT_TRUE(expected.ok());

  RedisOptions r;
  r.port = redis_->port();
  RedisClient client(r);
  const std::string key = SearchResultKey(
      kDefaultKeyPrefix, SearchIdentity({.collection = "docs"}, request),
      a->collection->State().digest);
  const std::string valid_elsewhere = EncodeSearchResponse(*expected->response, "another key");
  for (const std::string& garbage :
       {std::string("not a cache value"), valid_elsewhere, valid_elsewhere.substr(0, 40),
        std::string(5000, '\xff')}) {
    ASSERT_TRUE(client.Set(key, garbage, 60).ok());
    CachedSearch fresh(Options());
    auto answer = fresh.Search(*a->collection, request, "{}");
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_EQ(answer->tier, CacheTier::kMiss);
    EXPECT_EQ(Ids(*answer->response), Ids(*expected->response));
    EXPECT_EQ(fresh.cache().Stats().l2_results.corrupt, 1u);
  }
}

TEST_F(CachedSearchTest, SearchesGoOnWhenTheL2IsDownAndUseItAgainWhenItIsBack) {
  auto a = MakeReplica();
  CacheOptions options = Options();
  options.breaker.open_for = std::chrono::milliseconds(100);
  CachedSearch cached(options);
  CachedSearch reference(Options(false));
  redis_->Kill();
  for (int i = 0; i < 20; ++i) {
    const SearchRequest request{.query = "risk " + std::to_string(i % 5), .k = 3};
    auto answer = cached.Search(*a->collection, request, "{}");
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    auto expected = reference.Search(*a->collection, request, "{}");
    EXPECT_EQ(Ids(*answer->response), Ids(*expected->response));
  }
  CacheStats stats = cached.cache().Stats();
  EXPECT_EQ(stats.l2_breaker, CircuitBreaker::State::kOpen);
  EXPECT_GE(stats.l2_breaker_opened, 1u);
  EXPECT_GT(stats.l2_results.skipped, 0u) << "the breaker spared the dead server";
  EXPECT_GT(stats.l2_results.write_skipped, 0u);
  EXPECT_LE(stats.l2_results.skipped + stats.l2_results.errors, 20u)
      << "one lookup per search at most: skipped writes are counted apart";

  ASSERT_TRUE(redis_->Restart().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  const SearchRequest fresh{.query = "vitamin bones", .k = 2};
  ASSERT_TRUE(cached.Search(*a->collection, fresh, "{}").ok());  // the probe, then stores
  CachedSearch other(Options());
  auto shared = other.Search(*a->collection, fresh, "{}");
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(shared->tier, CacheTier::kL2);
  EXPECT_EQ(cached.cache().Stats().l2_breaker, CircuitBreaker::State::kClosed);
}


TEST_F(CachedSearchTest, AMissFetchesItsQueryEmbeddingInTheSameL2RoundTrip) {
  auto a = MakeReplica();
  CachedSearch first(Options()), second(Options());
  ASSERT_TRUE(first.Search(*a->collection, {.query = "blood pressure", .k = 3}, "{}").ok());
  // Another page of the same query on a fresh server: its result is not
  // cached anywhere, its embedding is in the L2.
  auto other_page = second.Search(*a->collection, {.query = "blood pressure", .k = 5}, "{}");
  ASSERT_TRUE(other_page.ok());
  EXPECT_EQ(other_page->tier, CacheTier::kMiss);
  const RequestCounters c = second.Counters();
  EXPECT_EQ(c.embedding_l2, 1u);
  EXPECT_EQ(c.embedding_computed, 0u);
  EXPECT_EQ(second.cache().Stats().l2_embeddings.hits, 1u);
  // A keyword search needs no embedding and asks for none.
  ASSERT_TRUE(second.Search(*a->collection,
                            {.query = "blood", .k = 2, .mode = SearchMode::kKeyword}, "{}").ok());
  EXPECT_EQ(second.Counters().embedding_computed, 0u);
  EXPECT_EQ(second.cache().Stats().l2_embeddings.misses, 0u);
}

TEST_F(CachedSearchTest, L2WritesCanRunAfterTheAnswer) {
  auto a = MakeReplica();
  CachedSearch cached(Options());
  std::vector<std::function<void()>> queued;
  cached.cache().SetL2WriteExecutor([&queued](std::function<void()> w) { queued.push_back(w); });
  const SearchRequest request{.query = "vitamin", .k = 2};
  auto answer = cached.Search(*a->collection, request, "{}");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(queued.size(), 2u) << "the embedding and the result";
  RedisOptions r;
  r.port = redis_->port();
  RedisClient client(r);
  const std::string key = SearchResultKey(
      kDefaultKeyPrefix, SearchIdentity({.collection = "docs"}, request),
      a->collection->State().digest);
  EXPECT_FALSE(client.Get(key)->has_value()) << "nothing in the L2 before the writes ran";
  for (auto& w : queued) w();
  auto stored = client.Get(key);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  auto decoded = DecodeSearchResponse(**stored, key);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(Ids(*decoded), Ids(*answer->response));
  EXPECT_EQ(cached.cache().Stats().l2_results.writes, 1u);
}

}  // namespace
}  // namespace quarry::cache
