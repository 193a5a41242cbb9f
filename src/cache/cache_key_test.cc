#include "cache/cache_key.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

namespace quarry::cache {
namespace {

std::string Key(const SearchRequest& r, const std::string& collection = "docs",
                const std::string& scope = "", const std::string& digest = "d0") {
  return SearchResultKey(kDefaultKeyPrefix,
                         SearchIdentity({.collection = collection, .access_scope = scope}, r),
                         digest);
}

TEST(CacheKeyTest, EveryAnswerChangingFieldChangesTheKey) {
  const SearchRequest base{.query = "heart attack"};
  std::vector<std::function<void(SearchRequest&)>> changes = {
      [](SearchRequest& r) { r.query = "heart attacks"; },
      [](SearchRequest& r) { r.k = 11; },
      [](SearchRequest& r) { r.offset = 10; },
      [](SearchRequest& r) { r.mode = SearchMode::kKeyword; },
      [](SearchRequest& r) { r.mode = SearchMode::kHybrid; },  // auto and hybrid are keyed apart
      [](SearchRequest& r) { r.filter_json = R"({"must":[]})"; },
      [](SearchRequest& r) { r.group_by = GroupBy::kDocument; },
      [](SearchRequest& r) { r.fusion = FusionMethod::kRrf; },
      [](SearchRequest& r) { r.fusion = FusionMethod::kBlend; },
      [](SearchRequest& r) { r.rrf_k = 61; },
      [](SearchRequest& r) { r.alpha = 0.5; },
      [](SearchRequest& r) { r.alpha = 0.0; },
      [](SearchRequest& r) { r.candidates = 100; },
      [](SearchRequest& r) { r.explain = true; },
      [](SearchRequest& r) { r.highlight.enabled = true; },
      [](SearchRequest& r) { r.highlight.window_chars = 201; },
      [](SearchRequest& r) { r.highlight.pre_tag = "<b>"; },
      [](SearchRequest& r) { r.highlight.post_tag = "</b>"; },
      [](SearchRequest& r) { r.ef = 128; },
      [](SearchRequest& r) { r.rescore = true; },
      [](SearchRequest& r) { r.rescore = false; },
      [](SearchRequest& r) { r.oversampling = 3; },
      [](SearchRequest& r) { r.query_vector = {1.0f, 0.0f}; },
  };
  std::set<std::string> keys = {Key(base)};
  for (size_t i = 0; i < changes.size(); ++i) {
    SearchRequest r = base;
    changes[i](r);
    EXPECT_TRUE(keys.insert(Key(r)).second) << "change " << i << " did not change the key";
  }
  EXPECT_EQ(Key(base), Key(SearchRequest{.query = "heart attack"}));  // deterministic
}

TEST(CacheKeyTest, CollectionScopeAndStateSeparateKeys) {
  const SearchRequest r{.query = "q"};
  std::set<std::string> keys = {Key(r), Key(r, "other"), Key(r, "docs", "tenant-a"),
                                Key(r, "docs", "", "d1")};
  EXPECT_EQ(keys.size(), 4u);
  // Field boundaries are unambiguous: moving a character between fields changes the key.
  EXPECT_NE(Key(SearchRequest{.query = "bq"}, "a"), Key(SearchRequest{.query = "q"}, "ab"));
}

TEST(CacheKeyTest, KeysHaveThePrefixAKindAndHideTheQuery) {
  const std::string key = Key(SearchRequest{.query = "secret diagnosis"});
  EXPECT_EQ(key.rfind("quarry:v1:r:", 0), 0u);
  EXPECT_EQ(key.size(), std::string("quarry:v1:r:").size() + 32);
  EXPECT_EQ(key.find("secret"), std::string::npos);
  const std::string e = QueryEmbeddingKey("p:", "model-a", "q");
  EXPECT_EQ(e.rfind("p:e:", 0), 0u);
  EXPECT_NE(e, QueryEmbeddingKey("p:", "model-b", "q"));
  EXPECT_NE(e, QueryEmbeddingKey("p:", "model-a", "q2"));
}

}  // namespace
}  // namespace quarry::cache
