#include "embed/http_client.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <optional>

namespace quarry::embed {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr uint32_t kMaxHeaderBytes = 16 << 10;
constexpr size_t kReadPiece = 64 << 10;

// Errors that mean a kept-alive connection was closed by the server while
// idle: the request never reached it, so sending it again is safe.
bool IsStaleConnection(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

bool IsIpAddress(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct HttpClient::TlsContext {
  asio::ssl::context ctx{asio::ssl::context::tls_client};
};

struct HttpClient::Request {
  http::verb verb = http::verb::get;
  std::string_view target;
  std::string_view body;
  std::string_view auth_header;
  std::string_view auth_value;
  std::chrono::milliseconds timeout{30000};
  bool idle_timeout = false;  // the timeout is per step, not for the whole exchange
  size_t max_response_bytes = 0;
  const HttpBodySink* sink = nullptr;
  uint64_t max_stream_bytes = 0;
};

struct HttpClient::Connection {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool connected = false;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // Runs the io_context until the operation started before completes.
  void Run() {
    ioc.restart();
    ioc.run();
  }
};

HttpClient::HttpClient(std::string host, uint16_t port, bool tls)
    : host_(std::move(host)), port_(port) {
  if (tls) {
    tls_ = std::make_unique<TlsContext>();
    error_code ec;
    tls_->ctx.set_default_verify_paths(ec);  // honors SSL_CERT_FILE / SSL_CERT_DIR
    tls_->ctx.set_verify_mode(asio::ssl::verify_peer, ec);
    SSL_CTX_set_min_proto_version(tls_->ctx.native_handle(), TLS1_2_VERSION);
  }
}

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient::Connection> HttpClient::TakeIdle() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.empty()) return nullptr;
  std::unique_ptr<Connection> c = std::move(idle_.back());
  idle_.pop_back();
  return c;
}

void HttpClient::ReturnIdle(std::unique_ptr<Connection> connection) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(connection));
}

Result<HttpResponse> HttpClient::Post(const HttpPost& post) const {
  Request r;
  r.verb = http::verb::post;
  r.target = post.target;
  r.body = post.body;
  r.auth_header = post.auth_header;
  r.auth_value = post.auth_value;
  r.timeout = post.timeout;
  r.max_response_bytes = post.max_response_bytes;
  return Run(r);
}

Result<HttpResponse> HttpClient::Get(const HttpGet& get) const {
  Request r;
  r.verb = http::verb::get;
  r.target = get.target;
  r.auth_header = get.auth_header;
  r.auth_value = get.auth_value;
  r.timeout = get.timeout;
  r.max_response_bytes = get.max_response_bytes;
  if (get.sink) {
    r.sink = &get.sink;
    r.idle_timeout = true;
    r.max_stream_bytes = get.max_stream_bytes;
  }
  return Run(r);
}

Result<HttpResponse> HttpClient::Run(const Request& request) const {
  try {
    std::unique_ptr<Connection> connection = TakeIdle();
    const bool reused = connection != nullptr;
    if (!reused) connection = std::make_unique<Connection>();
    bool keep_alive = false;
    bool stale = false;
    Result<HttpResponse> result = Exchange(*connection, request, &keep_alive, &stale);
    if (!result.ok() && reused && stale) {
      connection = std::make_unique<Connection>();  // the idle one had been closed
      result = Exchange(*connection, request, &keep_alive, &stale);
    }
    if (result.ok() && keep_alive) ReturnIdle(std::move(connection));
    return result;
  } catch (const std::exception& e) {
    return Status::Unavailable(e.what());
  }
}

// `*stale`: the failure is that of a kept-alive connection closed meanwhile.
Result<HttpResponse> HttpClient::Exchange(Connection& c, const Request& req, bool* keep_alive,
                                          bool* stale) const {
  *stale = false;
  const auto deadline = std::chrono::steady_clock::now() + req.timeout;
  const auto arm = [&] {
    if (req.idle_timeout) {
      c.lowest().expires_after(req.timeout);
    } else {
      c.lowest().expires_at(deadline);
    }
  };
  const auto too_large = [&](uint64_t limit) {
    return Status::ResourceExhausted("the answer is larger than " + std::to_string(limit) +
                                     " bytes");
  };
  const auto failed = [&](const error_code& ec, std::string_view step) -> Status {
    if (ec == beast::error::timeout) {
      return Status::Unavailable("timed out after " + std::to_string(req.timeout.count()) +
                                 " ms (" + std::string(step) + ")");
    }
    if (ec == http::error::body_limit || ec == http::error::buffer_overflow ||
        ec == http::error::header_limit) {
      return too_large(req.max_response_bytes);
    }
    return Status::Unavailable(std::string(step) + ": " + ec.message());
  };
  error_code ec;
  const bool fresh = !c.connected;
  if (fresh) {
    c.buffer.clear();
    if (tls_) {
      c.tls.emplace(c.ioc, tls_->ctx);
    } else {
      c.plain.emplace(c.ioc);
    }
    tcp::resolver resolver(c.ioc);
    auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
    if (ec) return failed(ec, "resolve");
    arm();
    c.lowest().async_connect(endpoints, [&](const error_code& e, const tcp::endpoint&) { ec = e; });
    c.Run();
    if (ec) return failed(ec, "connect");
    if (c.tls) {
      if (!IsIpAddress(host_) && !SSL_set_tlsext_host_name(c.tls->native_handle(), host_.c_str())) {
        return Status::FailedPrecondition("TLS: cannot set the server name (SNI)");
      }
      c.tls->set_verify_callback(asio::ssl::host_name_verification(host_), ec);
      if (ec) return Status::FailedPrecondition("TLS: " + ec.message());
      arm();
      c.tls->async_handshake(asio::ssl::stream_base::client, [&](const error_code& e) { ec = e; });
      c.Run();
      if (ec) {
        if (ec == beast::error::timeout) return failed(ec, "TLS handshake");
        return Status::FailedPrecondition("TLS handshake: " + ec.message() +
                                          " (is the server's certificate trusted and issued "
                                          "for this host name? see SSL_CERT_FILE)");
      }
    }
    c.connected = true;
  }

  http::request<http::string_body> request{req.verb, req.target, 11};
  const bool default_port = port_ == (tls_ ? 443 : 80);
  request.set(http::field::host, default_port ? host_ : host_ + ":" + std::to_string(port_));
  request.set(http::field::user_agent, "quarry");
  if (req.verb == http::verb::post) request.set(http::field::content_type, "application/json");
  if (!req.auth_value.empty()) request.set(req.auth_header, req.auth_value);
  request.keep_alive(true);
  request.body() = std::string(req.body);
  request.prepare_payload();

  const auto on_io = [&](const error_code& e, size_t) { ec = e; };
  arm();
  if (c.tls) {
    http::async_write(*c.tls, request, on_io);
  } else {
    http::async_write(*c.plain, request, on_io);
  }
  c.Run();
  if (ec) {
    c.connected = false;
    *stale = !fresh && IsStaleConnection(ec);
    return failed(ec, "send");
  }

  http::response_parser<http::buffer_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(std::numeric_limits<uint64_t>::max());  // counted below
  const auto read = [&](bool header_only) {
    arm();
    if (c.tls) {
      header_only ? http::async_read_header(*c.tls, c.buffer, parser, on_io)
                  : http::async_read(*c.tls, c.buffer, parser, on_io);
    } else {
      header_only ? http::async_read_header(*c.plain, c.buffer, parser, on_io)
                  : http::async_read(*c.plain, c.buffer, parser, on_io);
    }
    c.Run();
    if (ec == http::error::need_buffer) ec = {};
  };
  read(true);
  if (ec) {
    c.connected = false;
    *stale = !fresh && IsStaleConnection(ec);
    return failed(ec, "receive");
  }
  HttpResponse out;
  out.status = parser.get().result_int();
  const bool to_sink = req.sink != nullptr && out.status / 100 == 2;
  std::vector<char> piece(kReadPiece);
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    read(false);
    if (ec) {
      c.connected = false;
      return failed(ec, "receive");
    }
    const size_t n = piece.size() - parser.get().body().size;
    if (to_sink) {
      out.streamed_bytes += n;
      if (out.streamed_bytes > req.max_stream_bytes) {
        c.connected = false;
        return too_large(req.max_stream_bytes);
      }
      Status s = (*req.sink)(std::string_view(piece.data(), n));
      if (!s.ok()) {
        c.connected = false;
        return s;
      }
    } else {
      if (out.body.size() + n > req.max_response_bytes) {
        c.connected = false;
        return too_large(req.max_response_bytes);
      }
      out.body.append(piece.data(), n);
    }
  }
  const auto& response = parser.get();
  *keep_alive = response.keep_alive();
  if (!*keep_alive) c.connected = false;
  if (auto it = response.find(http::field::retry_after); it != response.end()) {
    out.retry_after = std::string(it->value());
  }
  if (auto it = response.find(http::field::location); it != response.end()) {
    out.location = std::string(it->value());
  }
  return out;
}

}  // namespace quarry::embed
