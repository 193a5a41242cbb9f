// ApiResponse: what a route handler answers, before the connection adds the
// protocol headers (X-Request-ID, X-Response-Time, Server, keep-alive).
//
// Thread-safety: plain values and pure functions.
#ifndef QUARRY_SERVER_API_RESPONSE_H_
#define QUARRY_SERVER_API_RESPONSE_H_

#include <string>
#include <utility>
#include <vector>

#include <ostream>  // Boost 1.81 beast/http headers use std::ostream without including it

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json/value.hpp>

#include "quarry/status.h"

namespace quarry::server {

inline constexpr const char* kJsonContentType = "application/json";
inline constexpr const char* kHtmlContentType = "text/html; charset=utf-8";

struct ApiResponse {
  boost::beast::http::status status = boost::beast::http::status::ok;
  std::string content_type = kJsonContentType;
  std::string body;
  std::vector<std::pair<boost::beast::http::field, std::string>> headers;  // e.g. Allow
  std::vector<std::pair<std::string, std::string>> extension_headers;     // e.g. X-Cache
};

ApiResponse JsonResponse(boost::beast::http::status status, const boost::json::value& body);

// {"error": {"code": "<StatusCodeName>", "message": "..."}} with the HTTP
// status HttpStatusFor(status.code()). A 503 carries "Retry-After: 1".
// REQUIRES: !status.ok().
ApiResponse ErrorResponse(const Status& status);

// The same body with an HTTP status chosen by the protocol layer, for the few
// answers that no StatusCode describes (405, 431).
ApiResponse ErrorResponse(boost::beast::http::status http_status, const Status& status);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_API_RESPONSE_H_
