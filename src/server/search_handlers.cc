// POST /api/search, through the cache (docs/design/cache.md).
//
// An L1 hit is answered on the IO thread. A miss is searched on the IO thread
// too when there is no L2 (a search is short), or while the L2's breaker is
// open (no call will be made); otherwise, since L2 calls may wait for their
// timeouts when Redis is slow, the rest runs on the CPU pool so that no IO
// thread ever waits on the network. L2 writes go to the CPU pool after the
// answer (TwoTierCache::SetL2WriteExecutor).
#include "base/stopwatch.h"
#include "server/handlers.h"
#include "server/request_parsing.h"
#include "server/response_json.h"

namespace quarry::server {
namespace {

namespace http = boost::beast::http;

ApiResponse Answer(const std::string& collection, const cache::CachedSearch::Answer& answer,
                   bool cache_enabled, const Stopwatch& stopwatch) {
  boost::json::object out =
      SearchResponseToJson(collection, *answer.response, stopwatch.ElapsedMillis());
  // Stage timings describe a computation; a cached answer did none.
  if (answer.tier != cache::CacheTier::kMiss) out.erase("timing");
  std::string_view tier = cache_enabled ? cache::CacheTierName(answer.tier) : "off";
  out["cache"] = tier;
  ApiResponse response = JsonResponse(http::status::ok, out);
  if (cache_enabled) response.extension_headers.emplace_back("X-Cache", std::string(tier));
  return response;
}

}  // namespace

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
  cache::CachedSearch* cached = context.search_cache;
  if (std::optional<cache::CachedSearch::Answer> hit =
          cached->FromL1(**collection, parsed->request, context.body)) {
    return Answer(parsed->collection, *hit, cached->enabled(), stopwatch);
  }
  auto rest = [cached, collection = std::move(collection).value(),
               parsed = std::move(parsed).value(), stopwatch]() -> ApiResponse {
    Result<cache::CachedSearch::Answer> answer = cached->FromL2OrSearch(*collection, parsed.request);
    if (!answer.ok()) return ErrorResponse(answer.status());
    return Answer(parsed.collection, *answer, cached->enabled(), stopwatch);
  };
  if (cached->may_block()) return CpuWork(std::move(rest));
  return rest();
}

}  // namespace quarry::server
