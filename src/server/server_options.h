// Options of the HTTP server: where it listens, how many threads it runs and
// the limits it enforces before doing any work.
//
// Thread-safety: a plain value.
#ifndef QUARRY_SERVER_SERVER_OPTIONS_H_
#define QUARRY_SERVER_SERVER_OPTIONS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "cache/cache_options.h"
#include "ingest/pdf/pdf_fork_client.h"

namespace quarry::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8765;      // 0 = pick an ephemeral port
  unsigned io_threads = 0;   // 0 = std::thread::hardware_concurrency()
  unsigned cpu_threads = 0;  // pool for CPU and disk-bound work; 0 = hardware_concurrency()
  size_t max_body_bytes = 32u << 20;
  // A multipart/form-data upload to POST /api/collections/{name}/documents
  // has its own, larger limit: it carries files of up to max_file_bytes, and
  // its parts are views into the body (a JSON body is also parsed into a
  // DOM several times its size, so it keeps the smaller limit).
  // docs/design/http-upload.md.
  size_t max_upload_bytes = 256u << 20;
  // Each uploaded file: larger ones fail alone (422), as `quarry ingest
  // --max-file-bytes` does.
  uint64_t max_file_bytes = 100ull << 20;
  // Where uploaded files are written while they are read (private mkstemp
  // files, unlinked when done); "" = $TMPDIR, else /tmp. `quarry serve` uses
  // <data>/tmp: the same disk as the data, and not a tmpfs that would hold a
  // second copy of each upload in memory. REQUIRES: exists.
  std::string upload_tmp_dir;
  // The PDF fork servers uploaded PDFs are parsed by, shared by all uploads
  // (pdf_fork_client.h): started on the first PDF, one per upload running
  // at once at most. Null: a sandboxed helper is spawned per PDF.
  std::shared_ptr<ingest::PdfForkServerPool> pdf_servers;
  std::string default_collection = "default";
  // Where clients' `local` embedders find their models, by name
  // (server/embedder_policy.h); "" = clients cannot choose a model.
  std::string models_dir;
  // Deadline for receiving one whole request (and for an idle keep-alive
  // connection to send its next one), and for sending one response.
  std::chrono::seconds read_timeout{30};
  // How long shutdown waits for requests already accepted (an ingestion, say)
  // to be answered before closing their connections. Like Kubernetes'
  // default termination grace period. A second signal cuts it short.
  std::chrono::seconds shutdown_grace{30};
  // The two-tier cache in front of searches (docs/design/cache.md).
  cache::CacheOptions cache;
};

// Limits that are not options.
inline constexpr size_t kMaxHeaderBytes = 16 * 1024;
inline constexpr int kMaxJsonDepth = 64;
inline constexpr size_t kMaxDocumentsPerRequest = 10000;

}  // namespace quarry::server

#endif  // QUARRY_SERVER_SERVER_OPTIONS_H_
