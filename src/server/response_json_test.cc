#include "server/response_json.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace quarry::server {
namespace {

namespace json = boost::json;

TEST(ResponseJsonTest, CollectionInfo) {
  CollectionInfo info;
  info.name = "news";
  info.config.embedder.dimensions = 0;  // "the model's": the answer shows the real size
  info.embedder_dimensions = 512;
  info.embedder_fingerprint = "lexical-v1-512";
  info.documents = 3;
  info.chunks = 7;
  info.generation = 9;
  info.state_digest = "00112233445566778899aabbccddeeff";
  info.sealed_segments = 4;
  info.merges = 3;
  info.merged_rows = 120000;
  info.merge_seeded_rows = 30000;
  json::object out = CollectionInfoToJson(info);
  EXPECT_EQ(out.at("name").as_string(), "news");
  EXPECT_EQ(out.at("documents").to_number<uint64_t>(), 3u);
  EXPECT_EQ(out.at("chunks").to_number<uint64_t>(), 7u);
  EXPECT_EQ(out.at("generation").to_number<uint64_t>(), 9u);
  EXPECT_EQ(out.at("state_digest").as_string(), "00112233445566778899aabbccddeeff");
  EXPECT_EQ(out.at("sealed_segments").to_number<uint64_t>(), 4u);
  EXPECT_EQ(out.at("merges").to_number<uint64_t>(), 3u);
  EXPECT_EQ(out.at("merged_rows").to_number<uint64_t>(), 120000u);
  EXPECT_EQ(out.at("merge_seeded_rows").to_number<uint64_t>(), 30000u);
  const json::object& embedder = out.at("embedder").as_object();
  EXPECT_EQ(embedder.at("type").as_string(), "lexical");
  EXPECT_EQ(embedder.at("dimensions").to_number<uint32_t>(), 512u);
  EXPECT_EQ(embedder.at("fingerprint").as_string(), "lexical-v1-512");
  EXPECT_FALSE(embedder.at("semantic").as_bool());
  // The config is embedded as an object, the same one PUT accepts.
  ASSERT_TRUE(out.at("config").is_object());
  EXPECT_EQ(out.at("config"), json::parse(CollectionConfigToJson(info.config)));
}

TEST(ResponseJsonTest, DocumentInfoParsesMetadata) {
  DocumentInfo info;
  info.id = "a/b";
  info.title = "Title";
  info.media_type = "text/plain";
  info.metadata_json = R"({"year": 2024})";
  info.content_hash = "abc";
  info.chunk_count = 2;
  info.text_bytes = 120;
  json::object out = DocumentInfoToJson(info);
  EXPECT_EQ(out.at("id").as_string(), "a/b");
  EXPECT_EQ(out.at("metadata").at("year").to_number<int>(), 2024);
  EXPECT_EQ(out.at("chunk_count").to_number<int>(), 2);
  EXPECT_EQ(out.at("text_bytes").to_number<int>(), 120);

  info.metadata_json = "";
  EXPECT_TRUE(DocumentInfoToJson(info).at("metadata").as_object().empty());
  info.metadata_json = "not json";
  EXPECT_EQ(DocumentInfoToJson(info).at("metadata").as_string(), "not json");
}

TEST(ResponseJsonTest, SearchResponse) {
  SearchResponse response;
  response.generation = 4;
  response.embed_ms = 0.12345;
  response.search_ms = 1.5;
  response.hits.push_back(SearchHit{.document_id = "d1",
                                    .chunk = 2,
                                    .score = 0.5f,
                                    .text = "text with \"quotes\" and <tags>",
                                    .title = "T",
                                    .heading = "Intro > Setup",
                                    .start = 10,
                                    .end = 42,
                                    .importance = 0.625,
                                    .semantic_density = 0.25});
  json::value out = json::parse(json::serialize(SearchResponseToJson("news", response, 2.0004)));
  EXPECT_EQ(out.at("collection").as_string(), "news");
  EXPECT_EQ(out.at("generation").to_number<int>(), 4);
  EXPECT_DOUBLE_EQ(out.at("took_ms").as_double(), 2.0);
  EXPECT_DOUBLE_EQ(out.at("timing").at("embed_ms").as_double(), 0.123);
  EXPECT_DOUBLE_EQ(out.at("timing").at("search_ms").as_double(), 1.5);
  const json::object& h = out.at("hits").at(0).as_object();
  EXPECT_EQ(h.at("document_id").as_string(), "d1");
  EXPECT_EQ(h.at("chunk").to_number<int>(), 2);
  EXPECT_DOUBLE_EQ(h.at("score").as_double(), 0.5);
  EXPECT_EQ(h.at("text").as_string(), "text with \"quotes\" and <tags>");
  EXPECT_EQ(h.at("heading").as_string(), "Intro > Setup");
  EXPECT_EQ(h.at("start").to_number<int>(), 10);
  EXPECT_EQ(h.at("end").to_number<int>(), 42);
  EXPECT_DOUBLE_EQ(h.at("importance").as_double(), 0.625);
  EXPECT_DOUBLE_EQ(h.at("semantic_density").as_double(), 0.25);
  EXPECT_FALSE(h.contains("page"));  // no page: the field is left out

  response.hits[0].page = 2;
  json::value paged = json::parse(json::serialize(SearchResponseToJson("news", response, 1)));
  EXPECT_EQ(paged.at("hits").at(0).at("page").to_number<int>(), 2);
}

TEST(ResponseJsonTest, DocumentInfoListsPagesWhenItHasSome) {
  DocumentInfo info;
  info.id = "report.pdf";
  EXPECT_FALSE(DocumentInfoToJson(info).contains("pages"));
  info.pages = {1, 2, 4};
  json::value out = json::parse(json::serialize(DocumentInfoToJson(info)));
  ASSERT_TRUE(out.at("pages").is_array());
  EXPECT_EQ(out.at("pages").as_array().size(), 3u);
  EXPECT_EQ(out.at("pages").at(2).to_number<int>(), 4);
}

}  // namespace
}  // namespace quarry::server
