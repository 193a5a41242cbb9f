#include "server/status_mapping.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "server/api_response.h"

namespace quarry::server {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;

TEST(StatusMappingTest, EveryCodeHasItsHttpStatus) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kOk), http::status::ok);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), http::status::bad_request);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), http::status::not_found);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyExists), http::status::conflict);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), http::status::conflict);
  EXPECT_EQ(HttpStatusFor(StatusCode::kResourceExhausted), http::status::payload_too_large);
  EXPECT_EQ(HttpStatusFor(StatusCode::kCorruption), http::status::internal_server_error);
  EXPECT_EQ(HttpStatusFor(StatusCode::kIOError), http::status::internal_server_error);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnavailable), http::status::service_unavailable);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotSupported), http::status::not_implemented);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), http::status::internal_server_error);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNoSpace), http::status::insufficient_storage);
}

TEST(StatusMappingTest, ErrorResponseCarriesCodeAndMessage) {
  ApiResponse response = ErrorResponse(Status::NotFound("collection 'x' does not exist"));
  EXPECT_EQ(response.status, http::status::not_found);
  EXPECT_EQ(response.content_type, kJsonContentType);
  json::value body = json::parse(response.body);
  EXPECT_EQ(body.at("error").at("code").as_string(), "not_found");
  EXPECT_EQ(body.at("error").at("message").as_string(), "collection 'x' does not exist");
}

TEST(StatusMappingTest, ErrorResponseWithExplicitHttpStatus) {
  ApiResponse response =
      ErrorResponse(http::status::method_not_allowed, Status::InvalidArgument("no \"DELETE\""));
  EXPECT_EQ(response.status, http::status::method_not_allowed);
  json::value body = json::parse(response.body);
  EXPECT_EQ(body.at("error").at("code").as_string(), "invalid_argument");
  EXPECT_EQ(body.at("error").at("message").as_string(), "no \"DELETE\"");
}

TEST(StatusMappingTest, OnlyOverloadAnswersCarryRetryAfter) {
  ApiResponse overloaded = ErrorResponse(Status::Unavailable("embedder overloaded"));
  EXPECT_EQ(overloaded.status, http::status::service_unavailable);
  ASSERT_EQ(overloaded.headers.size(), 1u);
  EXPECT_EQ(overloaded.headers[0].first, http::field::retry_after);
  EXPECT_EQ(overloaded.headers[0].second, "1");
  EXPECT_TRUE(ErrorResponse(Status::InvalidArgument("bad")).headers.empty());
  EXPECT_TRUE(ErrorResponse(Status::NoSpace("full")).headers.empty());
}

}  // namespace
}  // namespace quarry::server
