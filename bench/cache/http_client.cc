#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <optional>

namespace quarry::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

class HttpClient::Impl {
 public:
  Impl(uint16_t port, std::chrono::milliseconds timeout)
      : endpoint_(asio::ip::make_address_v4("127.0.0.1"), port), timeout_(timeout) {}

  Result<HttpReply> Send(http::verb verb, std::string_view target, std::string body) {
    if (!stream_) QUARRY_RETURN_IF_ERROR(Connect());
    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.keep_alive(true);
    if (verb == http::verb::post) request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
    request.prepare_payload();
    http::response<http::string_body> response;

    const auto start = std::chrono::steady_clock::now();
    beast::error_code result;
    stream_->expires_after(timeout_);
    http::async_write(*stream_, request, [&result](beast::error_code ec, size_t) { result = ec; });
    RunOne();
    if (!result) {
      http::async_read(*stream_, buffer_, response,
                       [&result](beast::error_code ec, size_t) { result = ec; });
      RunOne();
    }
    const auto end = std::chrono::steady_clock::now();
    if (result) {
      stream_.reset();
      const std::string why = result == beast::error::timeout
                                  ? "no answer within " + std::to_string(timeout_.count()) + " ms"
                                  : result.message();
      return Status::Unavailable(std::string(target) + ": " + why);
    }
    HttpReply reply;
    reply.status = response.result_int();
    reply.round_trip_ms = std::chrono::duration<double, std::milli>(end - start).count();
    if (auto it = response.find("X-Cache"); it != response.end()) {
      reply.x_cache = std::string(it->value());
    }
    if (auto it = response.find("X-Response-Time"); it != response.end()) {
      reply.server_ms = ParseResponseTime(std::string_view(it->value().data(), it->value().size()));
    }
    reply.body = std::move(response.body());
    if (!response.keep_alive()) stream_.reset();
    return reply;
  }

 private:
  // Runs the io_context until the operation started before has finished.
  void RunOne() {
    ioc_.restart();
    ioc_.run();
  }

  Status Connect() {
    stream_.emplace(ioc_);
    stream_->expires_after(timeout_);
    beast::error_code result;
    stream_->async_connect(endpoint_, [&result](beast::error_code ec) { result = ec; });
    RunOne();
    if (result) {
      stream_.reset();
      return Status::Unavailable("connect to 127.0.0.1:" + std::to_string(endpoint_.port()) + ": " +
                                 result.message());
    }
    stream_->socket().set_option(asio::ip::tcp::no_delay(true));
    buffer_.clear();
    return Status::Ok();
  }

  asio::io_context ioc_;
  asio::ip::tcp::endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

HttpClient::HttpClient(uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(port, timeout)) {}

HttpClient::~HttpClient() = default;

Result<HttpReply> HttpClient::Post(std::string_view target, std::string body) {
  return impl_->Send(http::verb::post, target, std::move(body));
}

Result<HttpReply> HttpClient::Get(std::string_view target) {
  return impl_->Send(http::verb::get, target, "");
}

double ParseResponseTime(std::string_view value) {
  double ms = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (ec != std::errc() || std::string_view(end, value.data() + value.size() - end) != "ms") {
    return -1;
  }
  return ms;
}

}  // namespace quarry::bench
