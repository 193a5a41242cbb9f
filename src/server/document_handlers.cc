// /api/collections/{name}/documents[/{id}].
//
// GET /api/jobs/{id} reports on ingestion that answered 202.
//
// Ingestion parses a body of up to max_body_bytes, chunks, embeds and writes,
// and deletion writes to the WAL: both run as CpuWork. A missing collection
// is reported before any of that. A multipart/form-data body is an upload of
// files (upload_handlers.cc).
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <optional>

#include "server/handlers.h"
#include "server/multipart.h"
#include "server/request_parsing.h"
#include "server/response_json.h"

namespace quarry::server {

namespace http = boost::beast::http;
namespace json = boost::json;

HandlerReply PostDocuments(RequestContext& context) {
  Result<std::shared_ptr<Collection>> collection =
      context.engine->GetCollection(context.params.Get("name"));
  if (!collection.ok()) return ErrorResponse(collection.status());
  Result<bool> wait = context.query.GetBool("wait", false);
  if (!wait.ok()) return ErrorResponse(wait.status());
  if (IsMultipartFormData(context.content_type)) {
    return PostUpload(context, std::move(collection).value(), *wait);
  }
  // The body is parsed and validated before anything is queued, so a bad
  // request is a 400 even without ?wait=true.
  return CpuWork([collection = std::move(collection).value(), body = std::move(context.body),
                  wait = *wait, start_job = context.start_job]() mutable -> ApiResponse {
    Result<std::vector<DocumentInput>> docs = ParseDocumentsBody(body);
    if (!docs.ok()) return ErrorResponse(docs.status());
    CpuWork upsert = [collection, docs = std::move(docs).value()]() mutable -> ApiResponse {
      Result<UpsertSummary> summary = collection->Upsert(std::move(docs));
      if (!summary.ok()) return ErrorResponse(summary.status());
      json::object out;
      out["documents"] = summary->documents;
      out["unchanged"] = summary->unchanged;
      out["chunks"] = summary->chunks;
      out["generation"] = summary->generation;
      return JsonResponse(http::status::ok, out);
    };
    // ?wait=true: answer once the documents are durable (under the
    // collection's fsync policy) and searchable. Otherwise 202 and a job.
    if (wait) return upsert();
    Result<std::string> id =
        start_job(BackgroundJob{"upsert_documents", collection->name(),
                                [upsert = std::move(upsert)](const JobProgressSink&) {
                                  return upsert();
                                }});
    if (!id.ok()) return ErrorResponse(id.status());
    return JobAccepted(*id);
  });
}

ApiResponse JobAccepted(const std::string& id) {
  json::object out;
  out["job"] = id;
  out["status"] = "queued";
  out["url"] = "/api/jobs/" + id;
  ApiResponse accepted = JsonResponse(http::status::accepted, out);
  accepted.headers.emplace_back(http::field::location, "/api/jobs/" + id);
  return accepted;
}

HandlerReply GetJob(RequestContext& context) {
  const std::string& id = context.params.Get("id");
  std::optional<JobView> job = context.jobs->Get(id);
  if (!job) {
    return ErrorResponse(
        Status::NotFound("job '" + id + "' is unknown (jobs are kept in memory: the newest " +
                         std::to_string(JobRegistry::kMaxFinishedJobs) +
                         " finished ones, until the server restarts)"));
  }
  json::object out;
  out["id"] = job->id;
  out["kind"] = job->kind;
  out["collection"] = job->collection;
  out["status"] = JobStateName(job->state);
  out["created_unix_ms"] = job->created_unix_ms;
  if (job->progress) {
    json::object progress;
    progress["files_total"] = job->progress->files_total;
    progress["files_done"] = job->progress->files_done;
    progress["documents"] = job->progress->documents;
    progress["chunks"] = job->progress->chunks;
    progress["bytes_total"] = job->progress->bytes_total;
    progress["bytes_done"] = job->progress->bytes_done;
    out["progress"] = std::move(progress);
  }
  if (job->state != JobState::kQueued && job->state != JobState::kRunning) {
    out["finished_unix_ms"] = job->finished_unix_ms;
    out["http_status"] = job->http_status;
    // The body the request would have answered with ?wait=true: a summary,
    // {"error": {...}}, or both (an upload stopped by a failed write).
    boost::system::error_code ec;
    json::value result = json::parse(job->result_json, ec);
    if (!ec && result.is_object()) {
      json::object& r = result.get_object();
      if (const json::value* error = r.if_contains("error")) {
        out["error"] = *error;
        r.erase("error");
      }
      if (!r.empty()) out["result"] = std::move(r);
    }
  }
  return JsonResponse(http::status::ok, out);
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
