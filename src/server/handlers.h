// The route handlers, one per method and path; routes.cc binds them to their
// routes. Each is named for its verb and noun (get_health -> GetHealth).
//
// Thread-safety: see handler.h.
#ifndef QUARRY_SERVER_HANDLERS_H_
#define QUARRY_SERVER_HANDLERS_H_

#include <memory>
#include <string>

#include "server/handler.h"

namespace quarry::server {

// Bodies of POST /api/search above this size are refused before parsing: a
// valid one holds a query of at most kMaxQueryBytes (escaped, up to 6 bytes
// per character) and two short fields.
inline constexpr size_t kMaxSearchBodyBytes = 128 * 1024;

// site_handlers.cc
HandlerReply GetIndex(RequestContext& context);
HandlerReply GetHealth(RequestContext& context);

// collection_handlers.cc
HandlerReply GetCollections(RequestContext& context);
HandlerReply PutCollection(RequestContext& context);
HandlerReply GetCollection(RequestContext& context);
HandlerReply DeleteCollection(RequestContext& context);

// document_handlers.cc
HandlerReply PostDocuments(RequestContext& context);
// 202 Accepted for a background job: {"job", "status": "queued", "url"} and Location.
ApiResponse JobAccepted(const std::string& id);

// upload_handlers.cc: POST .../documents with a multipart/form-data body.
HandlerReply PostUpload(RequestContext& context, std::shared_ptr<Collection> collection,
                        bool wait);
HandlerReply GetDocument(RequestContext& context);
HandlerReply GetJob(RequestContext& context);
HandlerReply PostSnapshot(RequestContext& context);
HandlerReply GetSnapshots(RequestContext& context);
HandlerReply GetSnapshot(RequestContext& context);
HandlerReply DeleteSnapshot(RequestContext& context);
HandlerReply PostSnapshotRestore(RequestContext& context);
HandlerReply DeleteDocument(RequestContext& context);

// search_handlers.cc
HandlerReply PostSearch(RequestContext& context);

// cache_handlers.cc
HandlerReply GetCacheStats(RequestContext& context);
HandlerReply PostCacheClear(RequestContext& context);

// metrics_handlers.cc: Prometheus text format.
HandlerReply GetMetrics(RequestContext& context);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_HANDLERS_H_
