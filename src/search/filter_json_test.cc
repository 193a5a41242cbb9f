#include "search/filter_json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace quarry::search {
namespace {

// The message of the error ParseFilterJson gives for `text`, or "" if it parses.
std::string ErrorOf(std::string_view text) {
  const Result<Filter> f = ParseFilterJson(text);
  if (f.ok()) return "";
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument) << f.status().ToString();
  return f.status().message();
}

TEST(FilterJsonTest, ParsesEveryClauseKind) {
  const auto f = ParseFilterJson(R"({
    "must": [{"key": "lang", "match": {"value": "en"}},
             {"key": "year", "range": {"gte": 2000, "lt": 2010.5}}],
    "should": [{"key": "tags", "match": {"any": ["b", "a", "b", 3, true]}},
               {"must_not": [{"key": "draft", "match": {"value": false}}]}],
    "must_not": {"key": "n", "range": {"gt": -1, "lte": 18446744073709551615}}
  })");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->must.size(), 2u);
  const auto& lang = std::get<MatchCondition>(f->must[0]);
  EXPECT_EQ(lang.key, "lang");
  ASSERT_EQ(lang.values.size(), 1u);
  EXPECT_EQ(std::get<std::string>(lang.values[0]), "en");
  const auto& year = std::get<RangeCondition>(f->must[1]);
  EXPECT_EQ(*year.gte, 2000);
  EXPECT_EQ(*year.lt, 2010.5);
  EXPECT_FALSE(year.gt.has_value());
  ASSERT_EQ(f->should.size(), 2u);
  // "any" values come sorted (booleans, numbers, keywords) and distinct.
  const auto& tags = std::get<MatchCondition>(f->should[0]);
  ASSERT_EQ(tags.values.size(), 4u);
  EXPECT_EQ(tags.values[0], FieldValue(true));
  EXPECT_EQ(tags.values[1], FieldValue(3.0));
  EXPECT_EQ(tags.values[2], FieldValue(std::string("a")));
  const auto& nested = *std::get<std::unique_ptr<Filter>>(f->should[1]);
  ASSERT_EQ(nested.must_not.size(), 1u);
  // A single clause stands for a list of one.
  ASSERT_EQ(f->must_not.size(), 1u);
  EXPECT_EQ(*std::get<RangeCondition>(f->must_not[0]).lte, 18446744073709551615.0);
}

TEST(FilterJsonTest, EmptyFilterPassesEverything) {
  const auto f = ParseFilterJson("{}");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->empty());
  const auto g = ParseFilterJson(R"({"must": [], "should": [{}]})");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->should.size(), 1u);
}

TEST(FilterJsonTest, ErrorsNameThePathOfTheBadPart) {
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "match": {"value": 1}},
                                  {"key": "y", "range": {"gte": "2000"}}]})"),
            "filter.must[1].range.gte: must be a number");
  EXPECT_EQ(ErrorOf(R"({"should": [{"must": [{"key": "t", "match": {"any": ["x", {}]}}]}]})"),
            "filter.should[0].must[0].match.any[1]: must be a string, number or boolean");
  EXPECT_EQ(ErrorOf(R"({"must_nt": []})"),
            "filter: unknown member 'must_nt' (a filter has must, should and must_not)");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "match": {"value": 1}, "boost": 2}]})"),
            "filter.must[0]: unknown member 'boost' (a condition has key and match or range)");
  EXPECT_EQ(ErrorOf(R"({"must": "lang"})"), "filter.must: must be an array of conditions");
  EXPECT_EQ(ErrorOf(R"({"must": [3]})"),
            "filter.must[0]: must be a JSON object (a condition or a filter)");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": 5, "match": {"value": 1}}]})"),
            "filter.must[0].key: must be a non-empty string");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "", "match": {"value": 1}}]})"),
            "filter.must[0].key: must be a non-empty string");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a"}]})"),
            "filter.must[0]: a condition needs exactly one of match and range");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "match": {"value": 1}, "range": {"gt": 1}}]})"),
            "filter.must[0]: a condition needs exactly one of match and range");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "match": {"value": 1, "any": [1]}}]})"),
            "filter.must[0].match: match needs exactly one of value and any");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "match": {"value": null}}]})"),
            "filter.must[0].match.value: must be a string, number or boolean");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "match": {"text": "x"}}]})"),
            "filter.must[0].match: unknown member 'text' (match takes value or any)");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "match": {"any": "x"}}]})"),
            "filter.must[0].match.any: must be an array");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "match": "x"}]})"),
            "filter.must[0].match: must be an object with value or any");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "range": {}}]})"),
            "filter.must[0].range: needs at least one of gt, gte, lt and lte");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "range": [1, 2]}]})"),
            "filter.must[0].range: must be an object with gt, gte, lt or lte");
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": "a", "range": {"from": 1}}]})"),
            "filter.must[0].range: unknown member 'from' (range takes gt, gte, lt and lte)");
  const std::string long_key(FilterLimits::kMaxKeyBytes + 1, 'k');
  EXPECT_EQ(ErrorOf(R"({"must": [{"key": ")" + long_key + R"(", "match": {"value": 1}}]})"),
            "filter.must[0].key: must be at most 256 bytes");
}

TEST(FilterJsonTest, NonObjectsAndBrokenJsonAreRefused) {
  for (const char* text : {"[]", "3", "\"x\"", "null", "true", "[{\"must\": []}]"}) {
    EXPECT_EQ(ErrorOf(text), "filter: must be a JSON object") << text;
  }
  for (const char* text : {"", "{", "{\"must\": [}", "{} {}", "\xff"}) {
    EXPECT_NE(ErrorOf(text).find("filter: not valid JSON"), std::string::npos) << text;
  }
}

std::string Nested(size_t levels, std::string_view innermost) {
  std::string text;
  for (size_t i = 1; i < levels; ++i) text += R"({"must": [)";
  text += innermost;
  for (size_t i = 1; i < levels; ++i) text += "]}";
  return text;
}

TEST(FilterJsonTest, DepthLimitIsSixteenFilterLevels) {
  // The deepest allowed filter, with the deepest clause (an "any" list).
  const std::string deepest = R"({"must": [{"key": "a", "match": {"any": [1, "x"]}}]})";
  const std::string sixteen = Nested(FilterLimits::kMaxDepth, deepest);
  ASSERT_TRUE(ParseFilterJson(sixteen).ok()) << ErrorOf(sixteen);
  EXPECT_NE(ErrorOf(Nested(FilterLimits::kMaxDepth + 1, deepest)).find("deeper than 16 levels"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Nested(FilterLimits::kMaxDepth + 1, "{}")).find("deeper than 16 levels"),
            std::string::npos);
}

TEST(FilterJsonTest, HostileNestingIsRefusedByTheParser) {
  EXPECT_EQ(ErrorOf(Nested(10'000, "{}")), "filter: filters nest deeper than 16 levels");
  EXPECT_EQ(ErrorOf(std::string(500'000, '[')), "filter: filters nest deeper than 16 levels");
  // Deep nesting inside a value is refused the same way.
  const std::string deep_value = R"({"must": [{"key": "a", "match": {"value": )" +
                                 std::string(1000, '[') + "1" + std::string(1000, ']') + "}}]}";
  EXPECT_EQ(ErrorOf(deep_value), "filter: filters nest deeper than 16 levels");
}

TEST(FilterJsonTest, HostileNestingOfAParsedValueStopsAtTheLimit) {
  // The engine may hand over a value parsed with its own (larger) depth limit.
  boost::json::parse_options options;
  options.max_depth = 5000;
  const boost::json::value deep = boost::json::parse(Nested(2000, "{}"), {}, options);
  const Result<Filter> f = ParseFilter(deep);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.status().message().find("deeper than 16 levels"), std::string::npos);
}

std::string AnyList(size_t n) {
  std::string text = R"({"must": [{"key": "id", "match": {"any": [)";
  for (size_t i = 0; i < n; ++i) text += (i ? "," : "") + std::to_string(i);
  return text + "]}}]}";
}

TEST(FilterJsonTest, AnyListsHoldAtMost1024Values) {
  EXPECT_TRUE(ParseFilterJson(AnyList(FilterLimits::kMaxAnyValues)).ok());
  EXPECT_EQ(ErrorOf(AnyList(FilterLimits::kMaxAnyValues + 1)),
            "filter.must[0].match.any: may hold at most 1024 values");
  // A huge list is refused for its size before it is even parsed.
  EXPECT_EQ(ErrorOf(AnyList(300'000)), "filter: must be at most 1048576 bytes of JSON");
  // And, already parsed, before a single value is read.
  const boost::json::value huge = boost::json::parse(AnyList(300'000));
  const Result<Filter> f = ParseFilter(huge);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "filter.must[0].match.any: may hold at most 1024 values");
}

std::string Clauses(size_t n) {
  std::string text = R"({"must": [)";
  for (size_t i = 0; i < n; ++i) {
    text += std::string(i ? "," : "") + R"({"key": "a", "match": {"value": 1}})";
  }
  return text + "]}";
}

TEST(FilterJsonTest, FiltersHoldAtMost1024Conditions) {
  EXPECT_TRUE(ParseFilterJson(Clauses(FilterLimits::kMaxConditions)).ok());
  EXPECT_EQ(ErrorOf(Clauses(FilterLimits::kMaxConditions + 1)),
            "filter.must: a filter may hold at most 1024 conditions");
  // Nested clauses count, and so do the filters that hold them: 40 nested
  // filters of 30 clauses each are 1,240 conditions.
  std::string spread = R"({"should": [)";
  for (int i = 0; i < 40; ++i) spread += std::string(i ? "," : "") + Clauses(30);
  spread += "]}";
  EXPECT_NE(ErrorOf(spread).find("at most 1024 conditions"), std::string::npos);
}

}  // namespace
}  // namespace quarry::search
