// /api/collections and /api/collections/{name}.
//
// Creating and dropping a collection touch the disk (directories, fsync), so
// they run as CpuWork.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "server/embedder_policy.h"
#include "server/handlers.h"
#include "server/request_parsing.h"
#include "server/response_json.h"

namespace quarry::server {

namespace http = boost::beast::http;
namespace json = boost::json;

HandlerReply GetCollections(RequestContext& context) {
  json::array collections;
  for (const CollectionInfo& info : context.engine->ListCollections()) {
    collections.push_back(CollectionInfoToJson(info));
  }
  json::object body;
  body["collections"] = std::move(collections);
  return JsonResponse(http::status::ok, body);
}

HandlerReply PutCollection(RequestContext& context) {
  std::string name = context.params.Get("name");
  Status name_status = ValidateCollectionName(name);
  if (!name_status.ok()) return ErrorResponse(name_status);
  return CpuWork([engine = context.engine, name = std::move(name),
                  models_dir = context.options->models_dir,
                  body = std::move(context.body)]() -> ApiResponse {
    Result<CollectionConfig> config = ParseCollectionConfigBody(body);
    if (!config.ok()) return ErrorResponse(config.status());
    Status allowed = ApplyClientEmbedderPolicy(models_dir, &config->embedder);
    if (!allowed.ok()) return ErrorResponse(allowed);
    Result<std::shared_ptr<Collection>> collection = engine->CreateCollection(name, *config);
    if (!collection.ok()) return ErrorResponse(collection.status());
    return JsonResponse(http::status::created, CollectionInfoToJson((*collection)->Info()));
  });
}

HandlerReply GetCollection(RequestContext& context) {
  Result<std::shared_ptr<Collection>> collection =
      context.engine->GetCollection(context.params.Get("name"));
  if (!collection.ok()) return ErrorResponse(collection.status());
  return JsonResponse(http::status::ok, CollectionInfoToJson((*collection)->Info()));
}

HandlerReply DeleteCollection(RequestContext& context) {
  return CpuWork([engine = context.engine, name = context.params.Get("name")]() -> ApiResponse {
    Status status = engine->DropCollection(name);
    if (!status.ok()) return ErrorResponse(status);
    json::object body;
    body["deleted"] = name;
    return JsonResponse(http::status::ok, body);
  });
}

}  // namespace quarry::server
