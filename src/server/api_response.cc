#include "server/api_response.h"

#include "server/json_writer.h"
#include "server/status_mapping.h"

namespace quarry::server {

namespace http = boost::beast::http;
namespace json = boost::json;

ApiResponse JsonResponse(http::status status, const json::value& body) {
  ApiResponse response;
  response.status = status;
  response.body = WriteJson(body);
  return response;
}

ApiResponse ErrorResponse(const Status& status) {
  return ErrorResponse(HttpStatusFor(status.code()), status);
}

ApiResponse ErrorResponse(http::status http_status, const Status& status) {
  json::object error;
  error["code"] = StatusCodeName(status.code());
  error["message"] = status.message();
  json::object body;
  body["error"] = std::move(error);
  ApiResponse response = JsonResponse(http_status, body);
  // Overload (a full queue, an overloaded embedder) is worth retrying soon.
  if (http_status == http::status::service_unavailable) {
    response.headers.emplace_back(http::field::retry_after, "1");
  }
  return response;
}

}  // namespace quarry::server
