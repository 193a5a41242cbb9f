#include "server/json_writer.h"

#include <limits>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace quarry::server {
namespace {

namespace json = boost::json;

TEST(JsonWriterTest, DoublesInShortestPlainForm) {
  EXPECT_EQ(WriteJson(json::value(1.035)), "1.035");
  EXPECT_EQ(WriteJson(json::value(0.5)), "0.5");
  EXPECT_EQ(WriteJson(json::value(2.0)), "2");
  EXPECT_EQ(WriteJson(json::value(-0.25)), "-0.25");
  EXPECT_EQ(WriteJson(json::value(1e300)), "1e+300");
  EXPECT_EQ(WriteJson(json::value(std::numeric_limits<double>::quiet_NaN())), "null");
  EXPECT_EQ(WriteJson(json::value(std::numeric_limits<double>::infinity())), "null");
}

TEST(JsonWriterTest, RoundTripsNestedValuesAndEscapes) {
  const char* text =
      R"({"a":[1,-2,18446744073709551615,0.125,true,null,"x\"y\n\u0001"],"b":{"c":{}},"":[]})";
  json::value value = json::parse(text);
  std::string written = WriteJson(value);
  EXPECT_EQ(json::parse(written), value);
  EXPECT_EQ(written.find('\n'), std::string::npos);
  EXPECT_EQ(WriteJson(json::parse(R"({"k\"ey":"v"})")), R"({"k\"ey":"v"})");
}

}  // namespace
}  // namespace quarry::server
