#include "search/filter.h"

#include <gtest/gtest.h>

#include <string>

#include "search/filter_bitmap.h"
#include "search/filter_fields.h"
#include "search/filter_json.h"

namespace quarry::search {
namespace {

DocumentFields Fields(std::string_view json) {
  Result<DocumentFields> f = DocumentFields::FromJson(json);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : DocumentFields();
}

bool Passes(std::string_view filter_json, std::string_view metadata_json) {
  const Result<Filter> f = ParseFilterJson(filter_json);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() && Matches(*f, Fields(metadata_json));
}

TEST(DocumentFieldsTest, FlattensObjectsAndArrays) {
  const DocumentFields f = Fields(R"({"lang": "en", "year": 2001, "draft": false, "none": null,
      "tags": ["b", "a", "b", 7], "author": {"name": "Ada", "ids": [{"x": 1}, {"x": 2}]},
      "big": 18446744073709551615, "neg": -3, "pi": 3.25})");
  ASSERT_EQ(f.Find("tags").size(), 3u);  // "b" once
  EXPECT_EQ(f.Find("tags")[0].value, FieldValue(7.0));
  EXPECT_EQ(f.Find("tags")[1].value, FieldValue(std::string("a")));
  ASSERT_EQ(f.Find("author.name").size(), 1u);
  EXPECT_EQ(f.Find("author.ids.x").size(), 2u);
  EXPECT_TRUE(f.Find("author").empty());
  EXPECT_TRUE(f.Find("none").empty());
  EXPECT_TRUE(f.Find("missing").empty());
  EXPECT_EQ(f.Find("year")[0].value, FieldValue(2001.0));
  EXPECT_EQ(f.Find("draft")[0].value, FieldValue(false));
  EXPECT_EQ(f.Find("neg")[0].value, FieldValue(-3.0));
  EXPECT_EQ(f.Find("big")[0].value, FieldValue(18446744073709551615.0));
  EXPECT_EQ(FieldValueTypeName(f.Find("lang")[0].value), "keyword");
}

TEST(DocumentFieldsTest, MetadataMustBeAnObject) {
  EXPECT_EQ(DocumentFields::FromJson("[1]").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DocumentFields::FromJson("{").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DocumentFields::FromJson(std::string(100, '[')).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(DocumentFields::FromJson("{}").ok());
}

TEST(FilterTest, MatchValueAndAny) {
  const char* doc = R"({"lang": "en", "year": 2001, "draft": true, "tags": ["x", "y"]})";
  EXPECT_TRUE(Passes(R"({"must": [{"key": "lang", "match": {"value": "en"}}]})", doc));
  EXPECT_FALSE(Passes(R"({"must": [{"key": "lang", "match": {"value": "de"}}]})", doc));
  EXPECT_TRUE(Passes(R"({"must": [{"key": "lang", "match": {"any": ["de", "en"]}}]})", doc));
  EXPECT_FALSE(Passes(R"({"must": [{"key": "lang", "match": {"any": []}}]})", doc));
  EXPECT_TRUE(Passes(R"({"must": [{"key": "year", "match": {"value": 2001}}]})", doc));
  EXPECT_TRUE(Passes(R"({"must": [{"key": "year", "match": {"value": 2001.0}}]})", doc));
  EXPECT_TRUE(Passes(R"({"must": [{"key": "draft", "match": {"value": true}}]})", doc));
  // Types never cross: the keyword "2001" is not the number 2001, 1 is not true.
  EXPECT_FALSE(Passes(R"({"must": [{"key": "year", "match": {"value": "2001"}}]})", doc));
  EXPECT_FALSE(Passes(R"({"must": [{"key": "draft", "match": {"value": 1}}]})", doc));
  // Any value of an array field.
  EXPECT_TRUE(Passes(R"({"must": [{"key": "tags", "match": {"value": "y"}}]})", doc));
  EXPECT_FALSE(Passes(R"({"must": [{"key": "tags", "match": {"value": "z"}}]})", doc));
}

TEST(FilterTest, Ranges) {
  const char* doc = R"({"year": 2001, "scores": [1, 50], "lang": "en"})";
  EXPECT_TRUE(Passes(R"({"must": [{"key": "year", "range": {"gte": 2001, "lt": 2010}}]})", doc));
  EXPECT_FALSE(Passes(R"({"must": [{"key": "year", "range": {"gt": 2001}}]})", doc));
  EXPECT_TRUE(Passes(R"({"must": [{"key": "year", "range": {"lte": 2001}}]})", doc));
  EXPECT_FALSE(Passes(R"({"must": [{"key": "year", "range": {"lt": 2001}}]})", doc));
  EXPECT_FALSE(Passes(R"({"must": [{"key": "year", "range": {"gt": 2005, "lt": 2000}}]})", doc));
  // A multi-valued field passes if one value is inside.
  EXPECT_TRUE(Passes(R"({"must": [{"key": "scores", "range": {"gt": 10, "lt": 60}}]})", doc));
  EXPECT_FALSE(Passes(R"({"must": [{"key": "scores", "range": {"gt": 2, "lt": 49}}]})", doc));
  // A keyword is never in a numeric range.
  EXPECT_FALSE(Passes(R"({"must": [{"key": "lang", "range": {"gt": -1e300}}]})", doc));
}

TEST(FilterTest, BooleanClauses) {
  const char* doc = R"({"lang": "en", "year": 2001})";
  const char* en = R"({"key": "lang", "match": {"value": "en"}})";
  const char* de = R"({"key": "lang", "match": {"value": "de"}})";
  const auto f = [](std::string_view a, std::string_view b, std::string_view c) {
    return std::string(R"({"must": [)") + std::string(a) + R"(], "should": [)" + std::string(b) +
           R"(], "must_not": [)" + std::string(c) + "]}";
  };
  EXPECT_TRUE(Passes(f(en, "", ""), doc));
  EXPECT_FALSE(Passes(f(std::string(en) + "," + de, "", ""), doc));
  EXPECT_TRUE(Passes(f("", std::string(de) + "," + en, ""), doc));  // one should is enough
  EXPECT_FALSE(Passes(f("", de, ""), doc));
  EXPECT_FALSE(Passes(f("", "", en), doc));
  EXPECT_TRUE(Passes(f("", "", de), doc));
  // A missing field fails match and range, so must_not of it passes.
  EXPECT_TRUE(Passes(R"({"must_not": [{"key": "gone", "match": {"value": "x"}}]})", doc));
  EXPECT_FALSE(Passes(R"({"must": [{"key": "gone", "range": {"gte": 0}}]})", doc));
  // Nested: (lang = de or year < 2005) and not (lang = fr).
  EXPECT_TRUE(Passes(R"({"must": [{"should": [)" + std::string(de) +
                         R"(, {"key": "year", "range": {"lt": 2005}}]}],
                         "must_not": [{"key": "lang", "match": {"value": "fr"}}]})",
                     doc));
  EXPECT_TRUE(Passes("{}", doc));
}

TEST(OrdinalBitmapTest, SetAlgebraKeepsTheTailClear) {
  OrdinalBitmap a(70, /*all=*/true);
  EXPECT_EQ(a.Count(), 70u);
  EXPECT_FALSE(a.Contains(70));
  OrdinalBitmap b(70);
  EXPECT_TRUE(b.None());
  b.Set(0);
  b.Set(69);
  a.AndNot(b);
  EXPECT_EQ(a.Count(), 68u);
  a.Invert();
  EXPECT_EQ(a.Count(), 2u);
  EXPECT_EQ(a, b);
  std::vector<size_t> seen;
  a.ForEach([&](size_t i) { seen.push_back(i); });
  EXPECT_EQ(seen, (std::vector<size_t>{0, 69}));
  b.Invert();
  b.Or(a);
  EXPECT_EQ(b.Count(), 70u);
  b.And(OrdinalBitmap(70));
  EXPECT_TRUE(b.None());
  EXPECT_EQ(OrdinalBitmap(0, true).Count(), 0u);
  EXPECT_EQ(OrdinalBitmap(128, true).Count(), 128u);
}

}  // namespace
}  // namespace quarry::search
