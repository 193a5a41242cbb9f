#include "embed/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace quarry::embed {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr uint32_t kMaxHeaderBytes = 16 << 10;

// Errors that mean a kept-alive connection was closed by the server while
// idle: the request never reached it, so sending it again is safe.
bool IsStaleConnection(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

}  // namespace

struct HttpClient::Connection {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool connected = false;

  // Runs the io_context until the operation started before completes.
  void Run() {
    ioc.restart();
    ioc.run();
  }
};

HttpClient::HttpClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

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
  try {
    std::unique_ptr<Connection> connection = TakeIdle();
    const bool reused = connection != nullptr;
    if (!reused) connection = std::make_unique<Connection>();
    bool keep_alive = false;
    Result<HttpResponse> result = Exchange(*connection, post, &keep_alive);
    if (!result.ok() && reused && result.status().code() == StatusCode::kFailedPrecondition) {
      connection = std::make_unique<Connection>();  // the idle one had been closed
      result = Exchange(*connection, post, &keep_alive);
    }
    if (result.ok() && keep_alive) {
      ReturnIdle(std::move(connection));
    }
    if (!result.ok() && result.status().code() == StatusCode::kFailedPrecondition) {
      return Status::Unavailable(result.status().message());
    }
    return result;
  } catch (const std::exception& e) {
    return Status::Unavailable(e.what());
  }
}

// FailedPrecondition marks a stale kept-alive connection (see Post).
Result<HttpResponse> HttpClient::Exchange(Connection& c, const HttpPost& post,
                                          bool* keep_alive) const {
  const auto deadline = std::chrono::steady_clock::now() + post.timeout;
  const auto failed = [&](const error_code& ec, std::string_view step) -> Status {
    if (ec == beast::error::timeout) {
      return Status::Unavailable("timed out after " +
                                 std::to_string(post.timeout.count()) + " ms (" +
                                 std::string(step) + ")");
    }
    if (ec == http::error::body_limit || ec == http::error::buffer_overflow ||
        ec == http::error::header_limit) {
      return Status::ResourceExhausted("the answer is larger than " +
                                       std::to_string(post.max_response_bytes) + " bytes");
    }
    return Status::Unavailable(std::string(step) + ": " + ec.message());
  };
  error_code ec;
  const bool fresh = !c.connected;
  if (fresh) {
    tcp::resolver resolver(c.ioc);
    auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
    if (ec) return failed(ec, "resolve");
    c.stream.expires_at(deadline);
    c.stream.async_connect(endpoints, [&](const error_code& e, const tcp::endpoint&) { ec = e; });
    c.Run();
    if (ec) return failed(ec, "connect");
    c.connected = true;
  }

  http::request<http::string_body> request{http::verb::post, post.target, 11};
  request.set(http::field::host, host_ + ":" + std::to_string(port_));
  request.set(http::field::user_agent, "quarry");
  request.set(http::field::content_type, "application/json");
  request.set(http::field::accept, "application/json");
  if (!post.bearer_token.empty()) {
    request.set(http::field::authorization, "Bearer " + std::string(post.bearer_token));
  }
  request.keep_alive(true);
  request.body() = std::string(post.body);
  request.prepare_payload();

  c.stream.expires_at(deadline);
  http::async_write(c.stream, request, [&](const error_code& e, size_t) { ec = e; });
  c.Run();
  if (ec) {
    c.connected = false;
    return !fresh && IsStaleConnection(ec) ? Status::FailedPrecondition(failed(ec, "send").message())
                                           : failed(ec, "send");
  }

  http::response_parser<http::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(post.max_response_bytes);
  c.buffer.clear();
  c.stream.expires_at(deadline);
  http::async_read(c.stream, c.buffer, parser, [&](const error_code& e, size_t) { ec = e; });
  c.Run();
  if (ec) {
    c.connected = false;
    return !fresh && IsStaleConnection(ec) ? Status::FailedPrecondition(failed(ec, "receive").message())
                                           : failed(ec, "receive");
  }
  http::response<http::string_body> response = parser.release();
  *keep_alive = response.keep_alive();
  if (!*keep_alive) c.connected = false;
  HttpResponse out;
  out.status = response.result_int();
  out.body = std::move(response.body());
  if (auto it = response.find(http::field::retry_after); it != response.end()) {
    out.retry_after = std::string(it->value());
  }
  return out;
}

}  // namespace quarry::embed
