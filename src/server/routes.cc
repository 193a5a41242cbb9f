#include "server/routes.h"

#include "server/handlers.h"

namespace quarry::server {

namespace http = boost::beast::http;

Router MakeApiRouter() {
  return Router({
      {http::verb::get, "/", GetIndex, "get_index"},
      {http::verb::get, "/api/health", GetHealth, "get_health"},
      {http::verb::get, "/api/collections", GetCollections, "get_collections"},
      {http::verb::put, "/api/collections/{name}", PutCollection, "put_collection"},
      {http::verb::get, "/api/collections/{name}", GetCollection, "get_collection"},
      {http::verb::delete_, "/api/collections/{name}", DeleteCollection, "delete_collection"},
      {http::verb::post, "/api/collections/{name}/documents", PostDocuments, "post_documents"},
      {http::verb::get, "/api/collections/{name}/documents/{id}", GetDocument, "get_document"},
      {http::verb::delete_, "/api/collections/{name}/documents/{id}", DeleteDocument,
       "delete_document"},
      {http::verb::post, "/api/collections/{name}/snapshots", PostSnapshot, "post_snapshot"},
      {http::verb::get, "/api/collections/{name}/snapshots", GetSnapshots, "get_snapshots"},
      {http::verb::get, "/api/collections/{name}/snapshots/{snapshot}", GetSnapshot,
       "get_snapshot"},
      {http::verb::delete_, "/api/collections/{name}/snapshots/{snapshot}", DeleteSnapshot,
       "delete_snapshot"},
      {http::verb::post, "/api/collections/{name}/snapshots/{snapshot}/restore",
       PostSnapshotRestore, "post_snapshot_restore"},
      {http::verb::get, "/api/jobs/{id}", GetJob, "get_job"},
      {http::verb::post, "/api/search", PostSearch, "post_search"},
      {http::verb::get, "/api/cache/stats", GetCacheStats, "get_cache_stats"},
      {http::verb::post, "/api/cache/clear", PostCacheClear, "post_cache_clear"},
      {http::verb::get, "/metrics", GetMetrics, "get_metrics"},
  });
}

}  // namespace quarry::server
