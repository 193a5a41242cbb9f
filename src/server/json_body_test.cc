#include "server/json_body.h"

#include <string>

#include <gtest/gtest.h>

namespace quarry::server {
namespace {

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonBodyTest, ParsesValidJson) {
  Result<boost::json::value> value = ParseJsonBody(R"({"a": [1, 2, {"b": null}]})", 64);
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_EQ(value->at("a").as_array().size(), 3u);
}

TEST(JsonBodyTest, MalformedJsonIsInvalidArgumentWithOffset) {
  Result<boost::json::value> value = ParseJsonBody(R"({"a": 1,, "b": 2})", 64);
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(value.status().message().find("at byte"), std::string::npos)
      << value.status().message();
}

TEST(JsonBodyTest, TruncatedAndEmptyBodies) {
  for (const char* body : {"", "{", "{\"a\": ", "[1, 2", "   "}) {
    Result<boost::json::value> value = ParseJsonBody(body, 64);
    ASSERT_FALSE(value.ok()) << body;
    EXPECT_EQ(value.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(JsonBodyTest, RefusesTrailingGarbageCommentsAndTrailingCommas) {
  EXPECT_FALSE(ParseJsonBody("{} x", 64).ok());
  EXPECT_FALSE(ParseJsonBody("{} {}", 64).ok());
  EXPECT_FALSE(ParseJsonBody("{/* c */}", 64).ok());
  EXPECT_FALSE(ParseJsonBody("[1,]", 64).ok());
}

TEST(JsonBodyTest, RefusesInvalidUtf8InStrings) {
  EXPECT_FALSE(ParseJsonBody("\"\xFF\"", 64).ok());
}

TEST(JsonBodyTest, DepthLimit) {
  EXPECT_TRUE(ParseJsonBody(Nested(64), 64).ok());
  Result<boost::json::value> deep = ParseJsonBody(Nested(65), 64);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(deep.status().message().find("deeper than 64"), std::string::npos)
      << deep.status().message();
  // Very deep input fails cleanly instead of exhausting the stack.
  EXPECT_FALSE(ParseJsonBody(Nested(1000000), 64).ok());
}

TEST(JsonBodyTest, ObjectBodyRequiresAnObject) {
  EXPECT_TRUE(ParseJsonObjectBody("{}", 64).ok());
  Result<boost::json::object> array = ParseJsonObjectBody("[]", 64);
  ASSERT_FALSE(array.ok());
  EXPECT_NE(array.status().message().find("an array"), std::string::npos);
  EXPECT_FALSE(ParseJsonObjectBody("\"s\"", 64).ok());
  EXPECT_FALSE(ParseJsonObjectBody("null", 64).ok());
}

TEST(JsonBodyTest, UnknownFieldsNamed) {
  boost::json::object object = *ParseJsonObjectBody(R"({"query": "x", "kk": 3})", 64);
  Status status = CheckKnownFields(object, {"query", "k"}, "");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'kk'"), std::string::npos) << status.message();
  EXPECT_TRUE(CheckKnownFields(object, {"query", "kk"}, "").ok());
  status = CheckKnownFields(object, {"query"}, "documents[2].");
  EXPECT_NE(status.message().find("'documents[2].kk'"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace quarry::server
