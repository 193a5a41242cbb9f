// HttpClient: a small synchronous HTTP/1.1 client (Boost.Beast) for remote
// embedders: POST a JSON body, read a bounded answer, within a deadline.
//
// Each call runs its own connection's io_context on the calling thread (a CPU
// pool thread), so a slow service blocks that thread only, never an IO
// thread, and no thread is started. Connections are kept alive and reused: an
// idle pool of up to kMaxIdleConnections; a reused connection the server has
// closed meanwhile is replaced once, transparently.
//
// The deadline covers connecting, sending and receiving (name resolution
// runs before it, with the system resolver's own limits). The bearer token is
// sent in the Authorization header and appears in no error message.
//
// Thread-safety: Post may run concurrently from many threads (each call uses
// a connection of its own).
#ifndef QUARRY_EMBED_HTTP_CLIENT_H_
#define QUARRY_EMBED_HTTP_CLIENT_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"

namespace quarry::embed {

struct HttpPost {
  std::string_view target;        // path and query, starting with '/'
  std::string_view body;          // sent as application/json
  std::string_view bearer_token;  // empty: no Authorization header
  std::chrono::milliseconds timeout{30000};
  size_t max_response_bytes = 64 << 20;
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, "" when absent
};

class HttpClient {
 public:
  static constexpr size_t kMaxIdleConnections = 8;

  HttpClient(std::string host, uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One exchange (no retries here); error messages do not name the server
  // (the caller adds that). Any HTTP status is a successful
  // exchange. Unavailable when the service cannot be reached, drops the
  // connection or misses the deadline ("timed out"); ResourceExhausted when
  // the answer exceeds max_response_bytes.
  Result<HttpResponse> Post(const HttpPost& post) const;

 private:
  struct Connection;

  std::unique_ptr<Connection> TakeIdle() const;
  void ReturnIdle(std::unique_ptr<Connection> connection) const;
  Result<HttpResponse> Exchange(Connection& connection, const HttpPost& post,
                                bool* keep_alive) const;

  std::string host_;
  uint16_t port_;
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_HTTP_CLIENT_H_
