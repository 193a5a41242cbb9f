// /api/collections/{name}/snapshots[/{snapshot}[/restore]].
//
// Taking, deleting and restoring a snapshot read or write whole collections,
// so they run as CpuWork. A download is answered from memory up to
// kMaxSnapshotDownloadBytes; larger archives are copied from the file path
// the listing gives (streaming them is not built yet).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "base/env.h"
#include "server/handlers.h"
#include "server/json_body.h"
#include "server/response_json.h"

namespace quarry::server {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr uint64_t kMaxSnapshotDownloadBytes = 256ull << 20;

json::object SnapshotToJson(const SnapshotInfo& s) {
  json::object o;
  o["name"] = s.name;
  o["collection"] = s.collection;
  o["bytes"] = s.bytes;
  o["path"] = s.path;
  return o;
}

}  // namespace

HandlerReply PostSnapshot(RequestContext& context) {
  return CpuWork([engine = context.engine, name = context.params.Get("name")]() -> ApiResponse {
    Result<SnapshotInfo> snap = engine->CreateSnapshot(name);
    if (!snap.ok()) return ErrorResponse(snap.status());
    return JsonResponse(http::status::created, SnapshotToJson(*snap));
  });
}

HandlerReply GetSnapshots(RequestContext& context) {
  Result<std::vector<SnapshotInfo>> snaps =
      context.engine->ListSnapshots(context.params.Get("name"));
  if (!snaps.ok()) return ErrorResponse(snaps.status());
  json::array list;
  for (const SnapshotInfo& s : *snaps) list.push_back(SnapshotToJson(s));
  json::object body;
  body["snapshots"] = std::move(list);
  return JsonResponse(http::status::ok, body);
}

HandlerReply GetSnapshot(RequestContext& context) {
  Result<SnapshotInfo> snap =
      context.engine->GetSnapshot(context.params.Get("name"), context.params.Get("snapshot"));
  if (!snap.ok()) return ErrorResponse(snap.status());
  if (snap->bytes > kMaxSnapshotDownloadBytes) {
    return ErrorResponse(Status::ResourceExhausted(
        "snapshot is " + std::to_string(snap->bytes) + " bytes, over the download limit of " +
        std::to_string(kMaxSnapshotDownloadBytes) + "; copy the file " + snap->path));
  }
  return CpuWork([info = *snap]() -> ApiResponse {
    std::shared_ptr<Env> env = NewPosixEnv();
    Result<std::string> bytes = ReadFileToString(*env, info.path, kMaxSnapshotDownloadBytes);
    if (!bytes.ok()) return ErrorResponse(bytes.status());
    ApiResponse response;
    response.content_type = "application/octet-stream";
    response.body = std::move(bytes).value();
    response.headers.emplace_back(http::field::content_disposition,
                                  "attachment; filename=\"" + info.name + "\"");
    return response;
  });
}

HandlerReply DeleteSnapshot(RequestContext& context) {
  return CpuWork([engine = context.engine, name = context.params.Get("name"),
                  snapshot = context.params.Get("snapshot")]() -> ApiResponse {
    Status s = engine->DeleteSnapshot(name, snapshot);
    if (!s.ok()) return ErrorResponse(s);
    json::object body;
    body["deleted"] = snapshot;
    return JsonResponse(http::status::ok, body);
  });
}

// Body (optional): {"target": "<collection>", "replace": false}. The target
// defaults to the snapshot's collection.
HandlerReply PostSnapshotRestore(RequestContext& context) {
  Result<SnapshotInfo> snap =
      context.engine->GetSnapshot(context.params.Get("name"), context.params.Get("snapshot"));
  if (!snap.ok()) return ErrorResponse(snap.status());
  std::string target = snap->collection;
  bool replace = false;
  if (context.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    Result<json::object> body = ParseJsonObjectBody(context.body, /*max_depth=*/4);
    if (!body.ok()) return ErrorResponse(body.status());
    for (const auto& [key, value] : *body) {
      if (key == "target" && value.is_string()) {
        target = std::string(value.get_string());
      } else if (key == "replace" && value.is_bool()) {
        replace = value.get_bool();
      } else {
        return ErrorResponse(Status::InvalidArgument(
            "restore body fields are \"target\" (a string) and \"replace\" (a boolean); got '" +
            std::string(key) + "'"));
      }
    }
  }
  return CpuWork([engine = context.engine, path = snap->path, target = std::move(target),
                  replace]() -> ApiResponse {
    Result<std::shared_ptr<Collection>> c = engine->RestoreSnapshot(path, target, replace);
    if (!c.ok()) return ErrorResponse(c.status());
    return JsonResponse(http::status::ok, CollectionInfoToJson((*c)->Info()));
  });
}

}  // namespace quarry::server
