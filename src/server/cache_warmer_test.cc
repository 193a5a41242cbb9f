// The popular-query list as read back from the L2: shared storage, so hostile.
#include "server/cache_warmer.h"

#include <gtest/gtest.h>

namespace quarry::server {
namespace {

cache::PopularQuery Query(std::string collection, std::string body) {
  cache::PopularQuery q;
  q.collection = std::move(collection);
  q.body = std::move(body);
  q.count = 3;
  return q;
}

TEST(PopularListTest, RoundTripsAndKeepsAtMostMaxEntries) {
  const std::vector<cache::PopularQuery> queries = {Query("docs", R"({"query":"a"})"),
                                                    Query("news", R"({"query":"b","k":3})"),
                                                    Query("docs", R"({"query":"c"})")};
  auto back = DecodePopularList(EncodePopularList(queries), 10);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].collection, "news");
  EXPECT_EQ(back[1].body, R"({"query":"b","k":3})");
  EXPECT_EQ(DecodePopularList(EncodePopularList(queries), 2).size(), 2u);
}

TEST(PopularListTest, HostileBytesGiveAnEmptyListOrLoseOnlyTheBadEntries) {
  for (const std::string bad :
       {std::string(), std::string("not json"), std::string("[1,2]"), std::string("{}"),
        std::string(R"({"version":2,"queries":[]})"), std::string(R"({"version":1,"queries":{}})"),
        std::string(R"({"version":"1","queries":[]})"),
        std::string(100, '[') + std::string(100, ']'), std::string(5u << 20, ' ')}) {
    EXPECT_TRUE(DecodePopularList(bad, 100).empty()) << bad.substr(0, 40);
  }
  const std::string oversized(cache::PopularQueries::kMaxBodyBytes + 1, 'x');
  const std::string mixed = R"({"version":1,"queries":[7,{"collection":1,"body":"{}"},)"
                            R"({"collection":"docs"},{"collection":"docs","body":")" +
                            oversized + R"("},{"collection":"docs","body":"{\"query\":\"ok\"}"}]})";
  auto kept = DecodePopularList(mixed, 100);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].body, R"({"query":"ok"})");
}

}  // namespace
}  // namespace quarry::server
