// HttpClient: a small synchronous HTTP/1.1 client (Boost.Beast), over plain
// TCP or TLS (Boost.Asio SSL on OpenSSL), for remote embedders (POST a JSON
// body, read a bounded answer) and model downloads (GET, the body streamed to
// a sink as it arrives).
//
// Each call runs its own connection's io_context on the calling thread (a CPU
// pool thread, or the CLI's), so a slow service blocks that thread only, never
// an IO thread, and no thread is started. Connections are kept alive and
// reused: an idle pool of up to kMaxIdleConnections; a reused connection the
// server has closed meanwhile is replaced once, transparently.
//
// TLS (docs/design/remote-and-static-embedders.md): TLS 1.2 at least; the
// peer is verified against the system trust store (OpenSSL's default paths,
// which honor the SSL_CERT_FILE and SSL_CERT_DIR environment variables), its
// certificate must name the host (host name verification), and SNI is sent
// for names (not for IP addresses). A failed verification or handshake is
// FailedPrecondition ("TLS handshake: certificate verify failed ..."), which
// callers do not retry: trying again cannot fix a certificate.
//
// The deadline of a buffered exchange covers connecting, handshaking, sending
// and receiving (name resolution runs before it, with the system resolver's
// own limits). For a streamed GET the timeout is an idle limit instead: it
// applies to each step and each read, so a large download is not cut off
// while bytes keep coming. The credential header value appears in no error
// message.
//
// Thread-safety: Post and Get may run concurrently from many threads (each
// call uses a connection of its own).
#ifndef QUARRY_EMBED_HTTP_CLIENT_H_
#define QUARRY_EMBED_HTTP_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"

namespace quarry::embed {

struct HttpPost {
  std::string_view target;  // path and query, starting with '/'
  std::string_view body;    // sent as application/json
  // The credential header, e.g. {"Authorization", "Bearer KEY"} or
  // {"api-key", "KEY"}; an empty value sends none.
  std::string_view auth_header = "Authorization";
  std::string_view auth_value;
  std::chrono::milliseconds timeout{30000};
  size_t max_response_bytes = 64 << 20;
};

// Receives a streamed body piece by piece; a non-OK status stops the read
// and is returned by Get as it is.
using HttpBodySink = std::function<Status(std::string_view piece)>;

struct HttpGet {
  std::string_view target;  // path and query, starting with '/'
  std::string_view auth_header = "Authorization";
  std::string_view auth_value;  // empty: no credential header
  std::chrono::milliseconds timeout{30000};  // idle limit when streaming
  // Bodies of non-2xx answers, and of every answer when `sink` is empty, are
  // kept in HttpResponse::body up to this size (ResourceExhausted beyond).
  size_t max_response_bytes = 64 << 20;
  // When set, a 2xx body goes to the sink as it arrives and is never held
  // whole in memory; at most max_stream_bytes are accepted.
  HttpBodySink sink;
  uint64_t max_stream_bytes = 0;
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, "" when absent
  std::string location;     // the Location header (redirects), "" when absent
  uint64_t streamed_bytes = 0;  // body bytes given to HttpGet::sink
};

class HttpClient {
 public:
  static constexpr size_t kMaxIdleConnections = 8;

  // `tls`: https. Building the TLS context cannot fail in a way worth
  // reporting here; an unusable trust store shows up as a verification
  // error on the first call.
  HttpClient(std::string host, uint16_t port, bool tls = false);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One exchange (no retries here); error messages do not name the server
  // (the caller adds that). Any HTTP status is a successful exchange.
  // Unavailable when the service cannot be reached, drops the connection or
  // misses the deadline ("timed out"); FailedPrecondition when TLS
  // verification or the handshake fails; ResourceExhausted when the answer
  // exceeds max_response_bytes.
  Result<HttpResponse> Post(const HttpPost& post) const;

  // The same for GET, following no redirects (the caller sees 3xx and
  // Location). Errors from the sink are returned as they are.
  Result<HttpResponse> Get(const HttpGet& get) const;

 private:
  struct Connection;
  struct Request;
  struct TlsContext;

  Result<HttpResponse> Run(const Request& request) const;
  std::unique_ptr<Connection> TakeIdle() const;
  void ReturnIdle(std::unique_ptr<Connection> connection) const;
  Result<HttpResponse> Exchange(Connection& connection, const Request& request, bool* keep_alive,
                                bool* stale) const;

  std::string host_;
  uint16_t port_;
  std::unique_ptr<TlsContext> tls_;  // null for plain http
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_HTTP_CLIENT_H_
