// /api/collections/{name}/documents[/{id}].
//
// Ingestion parses a body of up to max_body_bytes, chunks, embeds and writes,
// and deletion writes to the WAL: both run as CpuWork. A missing collection
// is reported before any of that.
#include <boost/json/object.hpp>

#include "server/handlers.h"
#include "server/request_parsing.h"
#include "server/response_json.h"

namespace quarry::server {

namespace http = boost::beast::http;
namespace json = boost::json;

HandlerReply PostDocuments(RequestContext& context) {
  Result<std::shared_ptr<Collection>> collection =
      context.engine->GetCollection(context.params.Get("name"));
  if (!collection.ok()) return ErrorResponse(collection.status());
  return CpuWork([collection = std::move(collection).value(),
                  body = std::move(context.body)]() -> ApiResponse {
    Result<std::vector<DocumentInput>> docs = ParseDocumentsBody(body);
    if (!docs.ok()) return ErrorResponse(docs.status());
    Result<UpsertSummary> summary = collection->Upsert(std::move(docs).value());
    if (!summary.ok()) return ErrorResponse(summary.status());
    json::object out;
    out["documents"] = summary->documents;
    out["unchanged"] = summary->unchanged;
    out["chunks"] = summary->chunks;
    out["generation"] = summary->generation;
    return JsonResponse(http::status::ok, out);
  });
}

HandlerReply GetDocument(RequestContext& context) {
  Result<std::shared_ptr<Collection>> collection =
      context.engine->GetCollection(context.params.Get("name"));
  if (!collection.ok()) return ErrorResponse(collection.status());
  Result<DocumentInfo> info = (*collection)->GetDocument(context.params.Get("id"));
  if (!info.ok()) return ErrorResponse(info.status());
  return JsonResponse(http::status::ok, DocumentInfoToJson(*info));
}

HandlerReply DeleteDocument(RequestContext& context) {
  Result<std::shared_ptr<Collection>> collection =
      context.engine->GetCollection(context.params.Get("name"));
  if (!collection.ok()) return ErrorResponse(collection.status());
  return CpuWork(
      [collection = std::move(collection).value(), id = context.params.Get("id")]() -> ApiResponse {
        Status status = collection->DeleteDocument(id);
        if (!status.ok()) return ErrorResponse(status);
        json::object out;
        out["deleted"] = id;
        out["collection"] = collection->name();
        return JsonResponse(http::status::ok, out);
      });
}

}  // namespace quarry::server
