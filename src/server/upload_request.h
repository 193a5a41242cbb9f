// An upload: the files of a multipart/form-data body to
// POST /api/collections/{name}/documents, checked before any work is queued
// (docs/design/http-upload.md).
//
// Form fields: every part with a filename is a file, whatever its field name
// ("file", "files[]": browsers and curl differ). One optional text field,
// "ids", is a JSON object from uploaded file names to document ids; other
// files get their base name (server/upload_filename.h) as id and source, as
// `quarry ingest a.md` would. Any other text field is refused, as unknown
// JSON fields are.
//
// A file whose name is unusable or whose id repeats one of an earlier file
// is not a bad request: it fails alone, as a file with bad content does, and
// carries its reason in `problem`.
//
// Thread-safety: a plain value (copies share the body, which is immutable).
#ifndef QUARRY_SERVER_UPLOAD_REQUEST_H_
#define QUARRY_SERVER_UPLOAD_REQUEST_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"
#include "server/multipart.h"

namespace quarry::server {

struct UploadFile {
  std::string name;          // the base name, or the sanitized name as sent when unusable
  std::string document_id;   // "" when `problem` is set
  std::string content_type;  // as the client said; the format is sniffed anyway
  std::string_view data;     // a view into UploadRequest::body
  Status problem = Status::Ok();
};

struct UploadRequest {
  std::shared_ptr<const std::string> body;
  std::vector<UploadFile> files;
};

// Parses and checks an upload. InvalidArgument for malformed multipart, an
// unknown text field, a bad "ids" field or no file at all; ResourceExhausted
// past `limits`.
Result<UploadRequest> ParseUpload(std::string body, std::string_view content_type,
                                  const MultipartLimits& limits);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_UPLOAD_REQUEST_H_
