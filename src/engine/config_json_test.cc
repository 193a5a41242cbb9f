#include <gtest/gtest.h>

#include "quarry/options.h"

namespace quarry {
namespace {

TEST(ConfigJsonTest, EmptyBodyGivesDefaults) {
  for (std::string_view body : {"", "  \n", "{}"}) {
    auto c = CollectionConfigFromJson(body);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->embedder.dimensions, 1024u);
    EXPECT_EQ(c->chunking.target_tokens, 256u);
    EXPECT_DOUBLE_EQ(c->chunking.overlap, 0.1);
  }
}

TEST(ConfigJsonTest, RoundTrip) {
  auto c = CollectionConfigFromJson(
      R"({"embedder":{"type":"lexical","dimensions":256},)"
      R"("chunking":{"target_tokens":64,"max_tokens":128,"overlap":0.25},)"
      R"("vectors":{"metric":"cosine"}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->embedder.dimensions, 256u);
  EXPECT_EQ(c->chunking.max_tokens, 128u);
  auto again = CollectionConfigFromJson(CollectionConfigToJson(*c));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->embedder.dimensions, 256u);
  EXPECT_EQ(again->chunking.target_tokens, 64u);
  EXPECT_EQ(again->chunking.max_tokens, 128u);
  EXPECT_DOUBLE_EQ(again->chunking.overlap, 0.25);
}

struct BadCase {
  const char* json;
  const char* expected_in_message;
};

TEST(ConfigJsonTest, BadConfigsNameTheProblem) {
  const BadCase cases[] = {
      {"[1,2]", "must be a JSON object"},
      {"{", "not valid JSON"},
      {R"({"embeder":{}})", "unknown field 'embeder'"},
      {R"({"embedder":{"type":"bert"}})", "unsupported embedder.type 'bert'"},
      {R"({"embedder":{"type":3}})", "must be a string"},
      {R"({"embedder":{"dimensions":-1}})", "non-negative integer"},
      {R"({"embedder":{"dimensions":1.5}})", "non-negative integer"},
      {R"({"embedder":{"dimensions":8}})", "embedder.dimensions must be between"},
      {R"({"embedder":{"dimensions":99999999999}})", "non-negative integer"},
      {R"({"embedder":"lexical"})", "'embedder' must be an object"},
      {R"({"chunking":{"target_tokens":0}})", "chunking.target_tokens"},
      {R"({"chunking":{"target_tokens":100,"max_tokens":50}})", "chunking.max_tokens"},
      {R"({"chunking":{"overlap":0.9}})", "chunking.overlap"},
      {R"({"chunking":{"overlap":"x"}})", "must be a number"},
      {R"({"chunking":{"size":10}})", "unknown field 'chunking.size'"},
      {R"({"vectors":{"metric":"l2"}})", "unsupported vectors.metric"},
  };
  for (const BadCase& c : cases) {
    auto r = CollectionConfigFromJson(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.json;
    EXPECT_NE(r.status().message().find(c.expected_in_message), std::string::npos)
        << c.json << " -> " << r.status().message();
  }
}

TEST(ConfigJsonTest, DeepNestingIsRefusedNotACrash) {
  std::string deep(100000, '[');
  auto r = CollectionConfigFromJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(ConfigJsonTest, CollectionNames) {
  EXPECT_TRUE(ValidateCollectionName("docs").ok());
  EXPECT_TRUE(ValidateCollectionName("My_docs-2").ok());
  for (const char* bad : {"", "../x", "a/b", ".hidden", "-x", "sp ace", "ü",
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    EXPECT_EQ(ValidateCollectionName(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace quarry
