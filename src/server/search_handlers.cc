// POST /api/search. A search is short, so it runs on the IO thread.
#include "base/stopwatch.h"
#include "server/handlers.h"
#include "server/request_parsing.h"
#include "server/response_json.h"

namespace quarry::server {

namespace http = boost::beast::http;

HandlerReply PostSearch(RequestContext& context) {
  Stopwatch stopwatch;
  if (context.body.size() > kMaxSearchBodyBytes) {
    return ErrorResponse(
        Status::ResourceExhausted("search body is " + std::to_string(context.body.size()) +
                                  " bytes; the limit is " + std::to_string(kMaxSearchBodyBytes)));
  }
  Result<ParsedSearch> parsed = ParseSearchBody(context.body, context.options->default_collection);
  if (!parsed.ok()) return ErrorResponse(parsed.status());
  Result<std::shared_ptr<Collection>> collection =
      context.engine->GetCollection(parsed->collection);
  if (!collection.ok()) return ErrorResponse(collection.status());
  Result<SearchResponse> response = (*collection)->Search(parsed->request);
  if (!response.ok()) return ErrorResponse(response.status());
  return JsonResponse(http::status::ok, SearchResponseToJson(parsed->collection, *response,
                                                             stopwatch.ElapsedMillis()));
}

}  // namespace quarry::server
