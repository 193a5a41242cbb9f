#include "server/router.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "server/routes.h"

namespace quarry::server {
namespace {

namespace http = boost::beast::http;

TEST(SplitPathTest, Segments) {
  EXPECT_EQ(SplitPath("/"), (std::vector<std::string_view>{""}));
  EXPECT_EQ(SplitPath("/api/health"), (std::vector<std::string_view>{"api", "health"}));
  EXPECT_EQ(SplitPath("/a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
}

TEST(RouterTest, FindsLiteralRoutes) {
  Router router = MakeApiRouter();
  RouteMatch match = router.Match(http::verb::get, "/api/health");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->name, "get_health");
  EXPECT_TRUE(match.raw_params.empty());

  match = router.Match(http::verb::get, "/");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->name, "get_index");

  match = router.Match(http::verb::post, "/api/search");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->name, "post_search");
}

TEST(RouterTest, CapturesParametersRaw) {
  Router router = MakeApiRouter();
  RouteMatch match = router.Match(http::verb::get, "/api/collections/news/documents/a%2Fb");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->name, "get_document");
  ASSERT_EQ(match.raw_params.size(), 2u);
  EXPECT_EQ(match.raw_params[0].first, "name");
  EXPECT_EQ(match.raw_params[0].second, "news");
  EXPECT_EQ(match.raw_params[1].first, "id");
  EXPECT_EQ(match.raw_params[1].second, "a%2Fb");
}

TEST(RouterTest, SameMethodDifferentPaths) {
  Router router = MakeApiRouter();
  EXPECT_EQ(router.Match(http::verb::put, "/api/collections/c1").route->name, "put_collection");
  EXPECT_EQ(router.Match(http::verb::delete_, "/api/collections/c1").route->name,
            "delete_collection");
  EXPECT_EQ(router.Match(http::verb::post, "/api/collections/c1/documents").route->name,
            "post_documents");
  EXPECT_EQ(router.Match(http::verb::delete_, "/api/collections/c1/documents/d").route->name,
            "delete_document");
}

TEST(RouterTest, UnknownPathIs404) {
  Router router = MakeApiRouter();
  for (const char* path : {"/api/nope", "/api", "/api/health/", "/api/collections/",
                           "/api/collections/c/documents/", "/api/collections/c/x", "", "nope"}) {
    EXPECT_EQ(router.Match(http::verb::get, path).kind, RouteMatch::Kind::kNotFound) << path;
  }
  // Not even a wrong method turns an unknown path into 405.
  EXPECT_EQ(router.Match(http::verb::delete_, "/api/nope").kind, RouteMatch::Kind::kNotFound);
}

TEST(RouterTest, KnownPathWrongMethodIs405WithAllow) {
  Router router = MakeApiRouter();
  RouteMatch match = router.Match(http::verb::delete_, "/api/search");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "POST");
  EXPECT_EQ(match.route, nullptr);

  match = router.Match(http::verb::post, "/api/collections/c1");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "PUT, GET, DELETE");

  match = router.Match(http::verb::head, "/api/health");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "GET");

  match = router.Match(http::verb::unknown, "/");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "GET");
}

TEST(RouterTest, TableHasOneHandlerPerMethodAndPattern) {
  Router router = MakeApiRouter();
  std::set<std::string> seen;
  std::set<std::string_view> names;
  for (const Route& route : router.routes()) {
    std::string key = std::string(http::to_string(route.method)) + " " + std::string(route.pattern);
    EXPECT_TRUE(seen.insert(key).second) << key;
    EXPECT_TRUE(names.insert(route.name).second) << route.name;
    EXPECT_NE(route.handler, nullptr);
  }
  EXPECT_EQ(router.routes().size(), 19u);
}

}  // namespace
}  // namespace quarry::server
