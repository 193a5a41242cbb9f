// POST /api/collections/{name}/documents with a multipart/form-data body: an
// upload of files (docs/design/http-upload.md). The body, up to
// max_upload_bytes, is parsed and checked on the CPU pool before anything is
// queued, so a malformed upload is a 400 even without ?wait=true; the files
// are then read and written by RunUpload (server/upload_job.h), at once with
// ?wait=true, else as a job whose progress GET /api/jobs/{id} shows.
#include <utility>

#include "server/handlers.h"
#include "server/upload_job.h"
#include "server/upload_request.h"

namespace quarry::server {

HandlerReply PostUpload(RequestContext& context, std::shared_ptr<Collection> collection,
                        bool wait) {
  UploadOptions options;
  options.source.max_file_bytes = context.options->max_file_bytes;
  options.source.pdf_servers = context.options->pdf_servers;
  options.tmp_dir = context.options->upload_tmp_dir;
  return CpuWork([collection = std::move(collection), body = std::move(context.body),
                  content_type = context.content_type, wait, start_job = context.start_job,
                  options = std::move(options)]() mutable -> ApiResponse {
    Result<UploadRequest> upload = ParseUpload(std::move(body), content_type, MultipartLimits{});
    if (!upload.ok()) return ErrorResponse(upload.status());
    if (wait) return RunUpload(*upload, *collection, options, JobProgressSink());
    Result<std::string> id = start_job(BackgroundJob{
        "upload_files", collection->name(),
        [collection, upload = std::move(upload).value(), options](const JobProgressSink& progress) {
          return RunUpload(upload, *collection, options, progress);
        }});
    if (!id.ok()) return ErrorResponse(id.status());
    return JobAccepted(*id);
  });
}

}  // namespace quarry::server
