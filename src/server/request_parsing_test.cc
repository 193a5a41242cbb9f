#include "server/request_parsing.h"

#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "server/server_options.h"

namespace quarry::server {
namespace {

// The status message of a failed parse, for matching; "" if it succeeded.
template <typename T>
std::string ErrorOf(const Result<T>& result) {
  return result.ok() ? "" : result.status().message();
}

template <typename T>
void ExpectInvalid(const Result<T>& result, const std::string& needle) {
  ASSERT_FALSE(result.ok()) << "expected an error mentioning " << needle;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << result.status().ToString();
  EXPECT_NE(result.status().message().find(needle), std::string::npos)
      << "message '" << result.status().message() << "' should mention " << needle;
}

// --- POST /api/search ------------------------------------------------------

TEST(ParseSearchBodyTest, MinimalBodyUsesDefaults) {
  Result<ParsedSearch> parsed = ParseSearchBody(R"({"query": "hnsw graphs"})", "default");
  ASSERT_TRUE(parsed.ok()) << ErrorOf(parsed);
  EXPECT_EQ(parsed->collection, "default");
  EXPECT_EQ(parsed->request.query, "hnsw graphs");
  EXPECT_EQ(parsed->request.k, 10u);
}

TEST(ParseSearchBodyTest, AllFields) {
  Result<ParsedSearch> parsed =
      ParseSearchBody(R"({"query": "q", "collection": "news_2024", "k": 1000})", "default");
  ASSERT_TRUE(parsed.ok()) << ErrorOf(parsed);
  EXPECT_EQ(parsed->collection, "news_2024");
  EXPECT_EQ(parsed->request.k, 1000u);
}

TEST(ParseSearchBodyTest, SearchTimeVectorOverrides) {
  auto parsed = ParseSearchBody(
      R"({"query": "q", "k": 5, "ef": 200, "rescore": false, "oversampling": 3})", "default");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->request.ef, 200u);
  EXPECT_EQ(parsed->request.rescore, false);
  EXPECT_FLOAT_EQ(parsed->request.oversampling, 3.0f);
  EXPECT_FALSE(ParseSearchBody(R"({"query": "q", "k": 50, "ef": 10})", "d").ok());
  EXPECT_FALSE(ParseSearchBody(R"({"query": "q", "ef": 100000})", "d").ok());
  EXPECT_FALSE(ParseSearchBody(R"({"query": "q", "rescore": 1})", "d").ok());
  EXPECT_FALSE(ParseSearchBody(R"({"query": "q", "oversampling": 0.5})", "d").ok());
  EXPECT_FALSE(ParseSearchBody(R"({"query": "q", "oversampling": 1e9})", "d").ok());
}

TEST(ParseSearchBodyTest, HybridSearchFields) {
  Result<ParsedSearch> parsed = ParseSearchBody(
      R"({"query": "q", "k": 5, "offset": 10, "mode": "keyword", "group_by": "document",
          "fusion": "blend", "alpha": 0.3, "rrf_k": 20, "candidates": 200, "explain": true,
          "highlight": {"window": 80, "pre_tag": "<b>", "post_tag": "</b>"},
          "filter": {"must": [{"key": "lang", "match": {"value": "en"}}]}})",
      "default");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const SearchRequest& r = parsed->request;
  EXPECT_EQ(r.offset, 10u);
  EXPECT_EQ(r.mode, SearchMode::kKeyword);
  EXPECT_EQ(r.group_by, GroupBy::kDocument);
  ASSERT_TRUE(r.fusion.has_value());
  EXPECT_EQ(*r.fusion, FusionMethod::kBlend);
  ASSERT_TRUE(r.alpha.has_value());
  EXPECT_DOUBLE_EQ(*r.alpha, 0.3);
  EXPECT_DOUBLE_EQ(r.rrf_k, 20);
  EXPECT_EQ(r.candidates, 200u);
  EXPECT_TRUE(r.explain);
  EXPECT_TRUE(r.highlight.enabled);
  EXPECT_EQ(r.highlight.window_chars, 80u);
  EXPECT_EQ(r.highlight.pre_tag, "<b>");
  EXPECT_NE(r.filter_json.find("\"lang\""), std::string::npos);

  Result<ParsedSearch> defaults = ParseSearchBody(R"({"query": "q", "highlight": true,
                                                      "group_by": null, "filter": null})",
                                                  "default");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->request.mode, SearchMode::kAuto);
  EXPECT_FALSE(defaults->request.fusion.has_value());
  EXPECT_FALSE(defaults->request.alpha.has_value());
  EXPECT_TRUE(defaults->request.highlight.enabled);
  EXPECT_EQ(defaults->request.group_by, GroupBy::kNone);
  EXPECT_TRUE(defaults->request.filter_json.empty());
}

TEST(ParseSearchBodyTest, HybridSearchFieldsOutOfRange) {
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "mode": "fuzzy"})", "d"), "'mode'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "offset": -1})", "d"), "'offset'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "k": 10, "offset": 995})", "d"), "offset + k");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "alpha": 2})", "d"), "'alpha'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "rrf_k": "60"})", "d"), "'rrf_k'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "candidates": 5000})", "d"), "'candidates'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "fusion": "max"})", "d"), "'fusion'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "group_by": "chunk"})", "d"), "'group_by'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "explain": 1})", "d"), "'explain'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "filter": [1]})", "d"), "'filter'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "highlight": "yes"})", "d"), "'highlight'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "highlight": {"colour": 1}})", "d"), "colour");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "highlight": {"window": -5}})", "d"),
                "highlight.window");
  const std::string long_tag(100, 'x');
  ExpectInvalid(
      ParseSearchBody(R"({"query": "q", "highlight": {"pre_tag": ")" + long_tag + R"("}})", "d"),
      "pre_tag");
}

TEST(ParseSearchBodyTest, MissingQuery) {
  ExpectInvalid(ParseSearchBody(R"({"k": 3})", "d"), "'query' is required");
}

TEST(ParseSearchBodyTest, WrongTypes) {
  ExpectInvalid(ParseSearchBody(R"({"query": 7})", "d"), "'query' must be a string");
  ExpectInvalid(ParseSearchBody(R"({"query": null})", "d"), "'query'");
  ExpectInvalid(ParseSearchBody(R"({"query": ["a"]})", "d"), "'query'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "k": "10"})", "d"), "'k'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "k": 2.5})", "d"), "'k'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "k": true})", "d"), "'k'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "collection": 3})", "d"), "'collection'");
}

TEST(ParseSearchBodyTest, EmptyQuery) {
  ExpectInvalid(ParseSearchBody(R"({"query": ""})", "d"), "'query' must not be empty");
}

TEST(ParseSearchBodyTest, KOutOfRange) {
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "k": 0})", "d"), "'k'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "k": -1})", "d"), "'k'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "k": 1001})", "d"), "'k'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "k": 100000})", "d"), "'k'");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "k": 18446744073709551615})", "d"), "'k'");
  EXPECT_TRUE(ParseSearchBody(R"({"query": "q", "k": 1})", "d").ok());
}

TEST(ParseSearchBodyTest, UnknownFieldIsRefused) {
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "kk": 3})", "d"), "'kk'");
  ExpectInvalid(ParseSearchBody(R"({"qeury": "q"})", "d"), "'qeury'");
}

TEST(ParseSearchBodyTest, BadCollectionName) {
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "collection": "../x"})", "d"), "collection");
  ExpectInvalid(ParseSearchBody(R"({"query": "q", "collection": ""})", "d"), "collection");
}

TEST(ParseSearchBodyTest, MalformedAndNonObjectBodies) {
  ExpectInvalid(ParseSearchBody(R"({"query": "q")", "d"), "not valid JSON");
  ExpectInvalid(ParseSearchBody("", "d"), "not valid JSON");
  ExpectInvalid(ParseSearchBody(R"(["query"])", "d"), "must be a JSON object");
}

TEST(ParseSearchBodyTest, DeepNesting) {
  std::string deep =
      R"({"query": "q", "k": )" + std::string(100, '[') + std::string(100, ']') + "}";
  ExpectInvalid(ParseSearchBody(deep, "d"), "deeper than");
}

TEST(ParseSearchBodyTest, HugeQuery) {
  std::string at_limit(kMaxQueryBytes, 'a');
  EXPECT_TRUE(ParseSearchBody(R"({"query": ")" + at_limit + "\"}", "d").ok());
  std::string over(kMaxQueryBytes + 1, 'a');
  ExpectInvalid(ParseSearchBody(R"({"query": ")" + over + "\"}", "d"), "limit");
}

// --- POST /api/collections/{name}/documents ---------------------------------

TEST(ParseDocumentsBodyTest, FullDocument) {
  Result<std::vector<DocumentInput>> docs = ParseDocumentsBody(R"({"documents": [
      {"id": "a/b c", "text": "Body.", "title": "T", "source": "s.md",
       "media_type": "text/markdown", "metadata": {"year": 2024, "tags": ["x"]}},
      {"id": "2", "text": ""}]})");
  ASSERT_TRUE(docs.ok()) << ErrorOf(docs);
  ASSERT_EQ(docs->size(), 2u);
  const DocumentInput& first = (*docs)[0];
  EXPECT_EQ(first.id, "a/b c");
  EXPECT_EQ(first.text, "Body.");
  EXPECT_EQ(first.title, "T");
  EXPECT_EQ(first.source, "s.md");
  EXPECT_EQ(first.media_type, kMediaTypeMarkdown);
  EXPECT_EQ(boost::json::parse(first.metadata_json),
            boost::json::parse(R"({"year": 2024, "tags": ["x"]})"));
  const DocumentInput& second = (*docs)[1];
  EXPECT_EQ(second.media_type, kMediaTypePlainText);
  EXPECT_EQ(second.metadata_json, "{}");
  EXPECT_EQ(second.title, "");
}

TEST(ParseDocumentsBodyTest, DocumentsMustBeANonEmptyArray) {
  ExpectInvalid(ParseDocumentsBody(R"({})"), "'documents' is required");
  ExpectInvalid(ParseDocumentsBody(R"({"documents": []})"), "must not be empty");
  ExpectInvalid(ParseDocumentsBody(R"({"documents": {"id": "1"}})"), "an array");
  ExpectInvalid(ParseDocumentsBody(R"({"documents": ["text"]})"), "documents[0]");
  ExpectInvalid(ParseDocumentsBody(R"({"documents": [], "extra": 1})"), "'extra'");
}

TEST(ParseDocumentsBodyTest, TooManyDocumentsIsResourceExhausted) {
  std::string body = R"({"documents": [)";
  for (size_t i = 0; i <= kMaxDocumentsPerRequest; ++i) {
    if (i > 0) body += ',';
    body += R"({"id": ")" + std::to_string(i) + R"(", "text": "t"})";
  }
  body += "]}";
  Result<std::vector<DocumentInput>> docs = ParseDocumentsBody(body);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kResourceExhausted);
}

TEST(ParseDocumentsBodyTest, IdRules) {
  ExpectInvalid(ParseDocumentsBody(R"({"documents": [{"text": "t"}]})"), "documents[0].id");
  ExpectInvalid(ParseDocumentsBody(R"({"documents": [{"id": "", "text": "t"}]})"),
                "documents[0].id");
  ExpectInvalid(ParseDocumentsBody(R"({"documents": [{"id": 5, "text": "t"}]})"),
                "'documents[0].id' must be a string");
  std::string long_id(kMaxDocumentIdBytes + 1, 'x');
  ExpectInvalid(ParseDocumentsBody(R"({"documents": [{"id": ")" + long_id + R"(", "text": "t"}]})"),
                "documents[0].id");
  std::string max_id(kMaxDocumentIdBytes, 'x');
  EXPECT_TRUE(
      ParseDocumentsBody(R"({"documents": [{"id": ")" + max_id + R"(", "text": "t"}]})").ok());
  ExpectInvalid(
      ParseDocumentsBody(R"({"documents": [{"id": "a", "text": "1"}, {"id": "a", "text": "2"}]})"),
      "repeats");
}

TEST(ParseDocumentsBodyTest, FieldTypes) {
  ExpectInvalid(ParseDocumentsBody(R"({"documents": [{"id": "a"}]})"), "documents[0].text");
  ExpectInvalid(ParseDocumentsBody(R"({"documents": [{"id": "a", "text": 1}]})"),
                "documents[0].text");
  ExpectInvalid(ParseDocumentsBody(R"({"documents": [{"id": "a", "text": "t", "title": 1}]})"),
                "documents[0].title");
  ExpectInvalid(ParseDocumentsBody(R"({"documents": [{"id": "a", "text": "t", "metadata": [1]}]})"),
                "'documents[0].metadata' must be an object");
  ExpectInvalid(
      ParseDocumentsBody(R"({"documents": [{"id": "a", "text": "t", "metadata": "{}"}]})"),
      "documents[0].metadata");
  ExpectInvalid(
      ParseDocumentsBody(R"({"documents": [{"id": "a", "text": "t", "media_type": "text/html"}]})"),
      "documents[0].media_type");
  ExpectInvalid(
      ParseDocumentsBody(R"({"documents": [{"id": "a", "text": "t"}, {"id": "b", "txt": "t"}]})"),
      "'documents[1].txt'");
}

TEST(ParseDocumentsBodyTest, DeepMetadataIsRefused) {
  std::string deep = std::string(70, '[') + std::string(70, ']');
  ExpectInvalid(ParseDocumentsBody(R"({"documents": [{"id": "a", "text": "t", "metadata": {"x": )" +
                                   deep + "}}]}"),
                "deeper than");
}

// --- PUT /api/collections/{name} --------------------------------------------

TEST(ParseCollectionConfigBodyTest, EmptyBodyGivesDefaults) {
  Result<CollectionConfig> config = ParseCollectionConfigBody("");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->embedder.dimensions, CollectionConfig{}.embedder.dimensions);
  EXPECT_TRUE(ParseCollectionConfigBody(" \r\n\t").ok());
}

TEST(ParseCollectionConfigBodyTest, MalformedOrNonObject) {
  ExpectInvalid(ParseCollectionConfigBody("{"), "not valid JSON");
  ExpectInvalid(ParseCollectionConfigBody("[]"), "must be a JSON object");
}

TEST(ParseCollectionConfigBodyTest, DelegatesFieldsToTheEngine) {
  Result<CollectionConfig> config =
      ParseCollectionConfigBody(R"({"embedder": {"type": "lexical", "dimensions": 256}})");
  ASSERT_TRUE(config.ok()) << ErrorOf(config);
  EXPECT_EQ(config->embedder.dimensions, 256u);
  EXPECT_FALSE(ParseCollectionConfigBody(R"({"embedder": {"dimensions": 3}})").ok());
  EXPECT_FALSE(ParseCollectionConfigBody(R"({"embeder": {}})").ok());
  config = ParseCollectionConfigBody(
      R"({"chunking": {"strategy": "semantic", "breakpoint_percentile": 90}})");
  ASSERT_TRUE(config.ok()) << ErrorOf(config);
  EXPECT_EQ(config->chunking.strategy, ChunkingStrategy::kSemantic);
  EXPECT_DOUBLE_EQ(config->chunking.breakpoint_percentile, 90);
  ExpectInvalid(ParseCollectionConfigBody(R"({"chunking": {"breakpoint_percentile": 0}})"),
                "chunking.breakpoint_percentile");
}

}  // namespace
}  // namespace quarry::server
