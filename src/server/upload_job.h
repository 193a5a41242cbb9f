// Running an upload: each file through the same reading, extraction and
// batching as `quarry ingest` (ingest/write_pipeline.h), one file at a time,
// with a result per file (docs/design/http-upload.md).
//
// Each file is written to a private temporary file (mkostemp, mode 0600, in
// UploadOptions::tmp_dir, unlinked when the file is done) and read from
// there: a PDF must be a file for the sandboxed helper, and one code path for
// every format keeps the CLI's limits, sniffing and streaming of JSON Lines.
// The client's name goes with it (FileEntry::name), never the temporary path.
//
// Per file: HTTP 200 "written" or "unchanged"; 207 "partial" (some records of a
// JSON file skipped); 422 "failed" with its reason (the file could not be
// read or extracted, was too large, had an unusable name or repeated an id,
// or the collection refused its documents): it fails alone and nothing of it
// is written. A write that fails for the server's reasons (disk full, an
// fsync error: a 5xx) gets that status and stops the upload; the files after
// it are "not_attempted". Each file has a writer of its own, flushed at its
// end, so that what it wrote is its own. The upload's own status: 200 when every file
// is 200, 422 when no file wrote anything, else 207; a failed write's status
// (5xx) with "error" beside the per-file results.
//
// Thread-safety: RunUpload runs on one thread (a CPU pool thread); the
// collection is thread-safe.
#ifndef QUARRY_SERVER_UPLOAD_JOB_H_
#define QUARRY_SERVER_UPLOAD_JOB_H_

#include <cstddef>
#include <string>

#include "ingest/file_source.h"
#include "quarry/engine.h"
#include "server/api_response.h"
#include "server/handler.h"
#include "server/upload_request.h"

namespace quarry::server {

struct UploadOptions {
  ingest::FileSourceOptions source;  // max_file_bytes, PDF limits, JSON fields
  std::string tmp_dir;               // "" = $TMPDIR, else /tmp
  size_t batch = 64;                 // documents per write, within one file
};

// Reads and writes every file of `upload` into `collection`, reporting progress
// after each file and write. Returns the answer described above.
ApiResponse RunUpload(const UploadRequest& upload, Collection& collection,
                      const UploadOptions& options, const JobProgressSink& progress);

// Creates `dir` for upload files if missing and removes the ones a crashed
// server left there. REQUIRES: no other server uses `dir` (the data
// directory's lock, held by the Engine, ensures it for <data>/tmp).
Status PrepareUploadTmpDir(const std::string& dir);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_UPLOAD_JOB_H_
