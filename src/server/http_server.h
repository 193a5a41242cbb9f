// HttpServer: the HTTP API of Quarry over an Engine (Boost.Beast, asynchronous).
//
// One io_context served by `io_threads` threads handles every connection;
// ingestion and other writes run on one CPU pool of `cpu_threads` threads
// owned by the server. Nothing else starts threads. See routes.cc for the API.
//
// Thread-safety: Create and Run are called by one thread; Run blocks until
// shutdown. Stop may be called from any thread, any number of times. The
// Engine must outlive the server.
#ifndef QUARRY_SERVER_HTTP_SERVER_H_
#define QUARRY_SERVER_HTTP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "quarry/engine.h"
#include "quarry/status.h"
#include "server/server_options.h"

namespace quarry::server {

class HttpServer {
 public:
  // Binds and listens (port 0 picks a free port), but does not serve until
  // Run(). Fails with kInvalidArgument for an address that cannot be used
  // here and kFailedPrecondition when it is already in use.
  // REQUIRES: engine != nullptr and outlives the server.
  static Result<std::unique_ptr<HttpServer>> Create(Engine* engine, ServerOptions options);

  struct State;  // defined in http_server.cc; use Create
  explicit HttpServer(std::unique_ptr<State> state);
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;    // the port actually bound
  std::string url() const;  // "http://127.0.0.1:8765"

  // Serves until Stop() or SIGINT/SIGTERM. On shutdown it stops accepting,
  // closes idle connections, lets in-flight requests and ingestion jobs
  // finish (waiting at most a few seconds for connections; a second signal
  // cuts the wait short), then returns. Call at most once.
  Status Run();

  // Begins shutdown; Run() returns once it is done. Thread-safe, idempotent;
  // before Run(), it makes Run() return at once.
  void Stop();

 private:
  std::unique_ptr<State> state_;
};

}  // namespace quarry::server

#endif  // QUARRY_SERVER_HTTP_SERVER_H_
