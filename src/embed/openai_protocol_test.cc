// The OpenAI embeddings protocol: the request we send, and hostile answers.
#include "embed/openai_protocol.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace quarry::embed {
namespace {

TEST(OpenAiProtocolTest, RequestCarriesModelAndInputs) {
  std::vector<std::string_view> texts{"a \"quoted\" text", "второй"};
  boost::json::value v = boost::json::parse(BuildEmbeddingsRequest("m-1", texts));
  EXPECT_EQ(v.at("model"), "m-1");
  EXPECT_EQ(v.at("input").as_array().size(), 2u);
  EXPECT_EQ(v.at("input").at(0), "a \"quoted\" text");
  EXPECT_EQ(v.at("encoding_format"), "float");
}

TEST(OpenAiProtocolTest, PlacesItemsByIndex) {
  std::vector<float> out(4);
  Status s = ParseEmbeddingsResponse(
      R"({"object":"list","data":[{"index":1,"embedding":[3,4]},{"index":0,"embedding":[1,2e0]}]})",
      2, 2, out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4}));
}

TEST(OpenAiProtocolTest, HostileAnswersAreRefusedPrecisely) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "not JSON"},
      {"{\"data\": [", "not JSON"},
      {"[]", "not a JSON object"},
      {"{}", "no 'data' list"},
      {R"({"data": {}})", "no 'data' list"},
      {R"({"data": [{"index":0,"embedding":[1,2]}]})", "1 embeddings for 2 inputs"},
      {R"({"data": [1, 2]})", "data[0] is not an object"},
      {R"({"data": [{"embedding":[1,2]},{"index":1,"embedding":[1,2]}]})", "data[0].index is missing"},
      {R"({"data": [{"index":"0","embedding":[1,2]},{"index":1,"embedding":[1,2]}]})", "not an integer"},
      {R"({"data": [{"index":0,"embedding":[1,2]},{"index":0,"embedding":[1,2]}]})", "index 0 appears twice"},
      {R"({"data": [{"index":-1,"embedding":[1,2]},{"index":1,"embedding":[1,2]}]})", "out of range"},
      {R"({"data": [{"index":2,"embedding":[1,2]},{"index":1,"embedding":[1,2]}]})", "out of range"},
      {R"({"data": [{"index":0,"embedding":"AAAA"},{"index":1,"embedding":[1,2]}]})", "base64 is not accepted"},
      {R"({"data": [{"index":0,"embedding":[1]},{"index":1,"embedding":[1,2]}]})", "has 1 values but embedder.dimensions is 2"},
      {R"({"data": [{"index":0,"embedding":[1,"x"]},{"index":1,"embedding":[1,2]}]})", "non-number"},
      {R"({"data": [{"index":0,"embedding":[1,1e39]},{"index":1,"embedding":[1,2]}]})", "not a finite float32"},
      {R"({"data": [{"index":0,"embedding":[1,-1e39]},{"index":1,"embedding":[1,2]}]})", "not a finite float32"},
  };
  for (const auto& [body, fragment] : cases) {
    std::vector<float> out(4);
    Status s = ParseEmbeddingsResponse(body, 2, 2, out);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << body;
    EXPECT_NE(s.message().find(fragment), std::string::npos) << body << " -> " << s.ToString();
  }
  // Deeply nested or enormous numbers never crash the parser.
  std::vector<float> out(4);
  EXPECT_FALSE(ParseEmbeddingsResponse(std::string(100000, '[') , 2, 2, out).ok());
  EXPECT_FALSE(ParseEmbeddingsResponse(
      R"({"data": [{"index":0,"embedding":[1,1e999]},{"index":1,"embedding":[1,2]}]})", 2, 2,
      out).ok());
}

TEST(OpenAiProtocolTest, ServiceErrorMessagesAreShortAndOneLine) {
  EXPECT_EQ(ServiceErrorMessage(R"({"error":{"message":"Incorrect API key","type":"x"}})"),
            "Incorrect API key");
  EXPECT_EQ(ServiceErrorMessage(R"({"error":"model not found"})"), "model not found");
  EXPECT_EQ(ServiceErrorMessage("Bad\ngateway"), "Bad gateway");
  const std::string long_message = ServiceErrorMessage(std::string(5000, 'x'), 100);
  EXPECT_EQ(long_message, std::string(100, 'x') + "...");
  // "é" is two bytes: a cut at byte 3 of "aaé..." backs off to byte 2.
  EXPECT_EQ(ServiceErrorMessage("aa\xc3\xa9" "bbbb", 3), "aa...");
}

}  // namespace
}  // namespace quarry::embed
