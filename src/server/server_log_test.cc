#include "server/server_log.h"

#include <memory>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <boost/json/parse.hpp>

namespace quarry::server {
namespace {

namespace json = boost::json;

TEST(ServerLogTest, AccessLineIsOneJsonObject) {
  AccessRecord record;
  record.request_id = "rid-1";
  record.method = "GET";
  record.path = "/api/x\n{\"msg\":\"forged\"}";  // a client trying to inject a line
  record.route = "get_health";
  record.status = 404;
  record.duration_ms = 1.23456;
  record.bytes_in = 80;
  record.bytes_out = 120;
  std::string line = FormatAccessLine(record, std::chrono::system_clock::time_point{});
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  json::value parsed = json::parse(line);
  EXPECT_EQ(parsed.at("msg").as_string(), "access");
  EXPECT_EQ(parsed.at("ts").as_string(), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(parsed.at("level").as_string(), "info");
  EXPECT_EQ(parsed.at("request_id").as_string(), "rid-1");
  EXPECT_EQ(parsed.at("method").as_string(), "GET");
  EXPECT_EQ(parsed.at("path").as_string(), "/api/x\n{\"msg\":\"forged\"}");
  EXPECT_EQ(parsed.at("route").as_string(), "get_health");
  EXPECT_EQ(parsed.at("status").to_number<int>(), 404);
  EXPECT_DOUBLE_EQ(parsed.at("duration_ms").as_double(), 1.235);
  EXPECT_EQ(parsed.at("bytes_in").to_number<int>(), 80);
  EXPECT_EQ(parsed.at("bytes_out").to_number<int>(), 120);
}

TEST(ServerLogTest, InvalidUtf8IsMadeLoggable) {
  EXPECT_EQ(ToLoggableText("ok"), "ok");
  EXPECT_EQ(ToLoggableText("a\xFF"
                           "b"),
            "a\\xFFb");
  AccessRecord record;
  record.path = "/\xC3";
  json::value parsed = json::parse(FormatAccessLine(record, std::chrono::system_clock::now()));
  EXPECT_EQ(parsed.at("path").as_string(), "/\\xC3");
}

TEST(ServerLogTest, EventLineAndBracesAreNotFormatStrings) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  ServerLog log(std::make_shared<spdlog::logger>("test", sink));
  json::object fields;
  fields["detail"] = "{} {0} {:x}";
  log.Event(spdlog::level::warn, "something {}", fields);
  std::string text = out.str();
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n');
  json::value parsed = json::parse(text.substr(0, text.size() - 1));
  EXPECT_EQ(parsed.at("level").as_string(), "warning");
  EXPECT_EQ(parsed.at("msg").as_string(), "something {}");
  EXPECT_EQ(parsed.at("detail").as_string(), "{} {0} {:x}");
}

}  // namespace
}  // namespace quarry::server
