// GET / and GET /api/health.
#include <boost/json/object.hpp>

#include "quarry/version.h"
#include "server/handlers.h"
#include "server/web_page.h"

namespace quarry::server {

namespace http = boost::beast::http;
namespace json = boost::json;

HandlerReply GetIndex(RequestContext& /*context*/) {
  ApiResponse response;
  response.content_type = kHtmlContentType;
  response.body = std::string(WebPageHtml());
  return response;
}

HandlerReply GetHealth(RequestContext& context) {
  json::object body;
  body["status"] = "ok";
  body["version"] = kVersion;
  body["collections"] = context.engine->ListCollections().size();
  return JsonResponse(http::status::ok, body);
}

}  // namespace quarry::server
