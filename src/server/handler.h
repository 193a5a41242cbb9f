// The shape of a route handler.
//
// A handler either answers at once (ApiResponse) or returns CpuWork: a
// function the connection runs on the CPU pool, never on an IO thread, and
// whose answer it then sends. Anything that can take more than a millisecond
// or two (parsing a large body, embedding, an fsync) is CpuWork. A
// BackgroundJob is work whose answer nobody waits for: start_job registers
// it, queues it on the CPU pool and returns its id at once (for a 202); its
// result is read later from GET /api/jobs/{id}, and it may report its
// progress there while it runs.
//
// Thread-safety: a handler runs on an IO thread and may be called
// concurrently for different requests; CpuWork runs on a CPU pool thread.
// Handlers share nothing but the Engine, which is thread-safe.
#ifndef QUARRY_SERVER_HANDLER_H_
#define QUARRY_SERVER_HANDLER_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cache/cached_search.h"
#include "quarry/engine.h"
#include "server/api_response.h"
#include "server/job_registry.h"
#include "server/query_params.h"
#include "server/server_options.h"

namespace quarry::server {

// Values of the {name} segments of a route pattern, percent-decoded.
class PathParams {
 public:
  void Add(std::string_view name, std::string value) {
    values_.emplace_back(name, std::move(value));
  }
  // REQUIRES: the route pattern has a segment {name}.
  const std::string& Get(std::string_view name) const;

 private:
  std::vector<std::pair<std::string_view, std::string>> values_;
};

using CpuWork = std::function<ApiResponse()>;

// Receives a running job's progress (JobRegistry::SetProgress); cheap enough
// to call after every file.
using JobProgressSink = std::function<void(const JobProgress&)>;
using JobWork = std::function<ApiResponse(const JobProgressSink& progress)>;

struct BackgroundJob {
  std::string kind;        // "upsert_documents", "upload_files"
  std::string collection;
  JobWork work;
};

// Registers and queues a job; returns its id. May be called from CpuWork
// (it outlives the connection); Unavailable when the CPU queue is full.
using JobStarter = std::function<Result<std::string>(BackgroundJob job)>;

struct RequestContext {
  Engine* engine = nullptr;
  const ServerOptions* options = nullptr;
  JobRegistry* jobs = nullptr;
  cache::CachedSearch* search_cache = nullptr;
  JobStarter start_job;
  PathParams params;
  QueryParams query;
  // The request's Content-Type ("" if none).
  std::string content_type;
  // The request body. A handler returning CpuWork moves it into the work
  // rather than copying it.
  std::string body;
};

using HandlerReply = std::variant<ApiResponse, CpuWork>;
using Handler = HandlerReply (*)(RequestContext& context);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_HANDLER_H_
