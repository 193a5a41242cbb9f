#include "server/status_mapping.h"

namespace quarry::server {

namespace http = boost::beast::http;

http::status HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return http::status::ok;
    case StatusCode::kInvalidArgument:
      return http::status::bad_request;
    case StatusCode::kNotFound:
      return http::status::not_found;
    case StatusCode::kAlreadyExists:
      return http::status::conflict;
    case StatusCode::kFailedPrecondition:
      return http::status::conflict;
    // Limits the server checks are request limits (body, batch size).
    case StatusCode::kResourceExhausted:
      return http::status::payload_too_large;
    // A full disk: the write was refused, searches go on, retry once space is freed.
    case StatusCode::kNoSpace:
      return http::status::insufficient_storage;
    case StatusCode::kCorruption:
      return http::status::internal_server_error;
    case StatusCode::kIOError:
      return http::status::internal_server_error;
    case StatusCode::kUnavailable:
      return http::status::service_unavailable;
    case StatusCode::kNotSupported:
      return http::status::not_implemented;
    case StatusCode::kInternal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

}  // namespace quarry::server
