// The shape of a route handler.
//
// A handler either answers at once (ApiResponse) or returns CpuWork: a
// function the connection runs on the CPU pool, never on an IO thread, and
// whose answer it then sends. Anything that can take more than a millisecond
// or two (parsing a large body, embedding, an fsync) is CpuWork.
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

#include "quarry/engine.h"
#include "server/api_response.h"
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

struct RequestContext {
  Engine* engine = nullptr;
  const ServerOptions* options = nullptr;
  PathParams params;
  // The request body. A handler returning CpuWork moves it into the work
  // rather than copying it.
  std::string body;
};

using CpuWork = std::function<ApiResponse()>;
using HandlerReply = std::variant<ApiResponse, CpuWork>;
using Handler = HandlerReply (*)(RequestContext& context);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_HANDLER_H_
