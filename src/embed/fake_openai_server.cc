#include "embed/fake_openai_server.h"

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <functional>

namespace quarry::embed::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

using Response = http::response<http::string_body>;

Response Answer(unsigned status, std::string body, bool keep_alive) {
  Response r{static_cast<http::status>(status), 11};
  r.set(http::field::content_type, "application/json");
  r.keep_alive(keep_alive);
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

std::string ErrorBody(std::string_view message) {
  return json::serialize(json::object{{"error", json::object{{"message", message}}}});
}

}  // namespace

struct FakeOpenAiServer::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::ssl::context tls{asio::ssl::context::tls_server};
};

class FakeOpenAiServer::Connection {
 public:
  explicit Connection(tcp::socket s) : socket(std::move(s)) {}
  tcp::socket socket;
};

std::vector<float> FakeOpenAiServer::VectorFor(std::string_view text, uint32_t dimensions) {
  const size_t h = std::hash<std::string_view>{}(text);
  std::vector<float> v(dimensions);
  for (uint32_t d = 0; d < dimensions; ++d) {
    v[d] = static_cast<float>(static_cast<int>((h >> (d % 56)) & 0xff) - 127) + 0.5f;
  }
  return v;
}

FakeOpenAiServer::FakeOpenAiServer(uint32_t dimensions, std::string key,
                                   FakeServerOptions options)
    : dimensions_(dimensions),
      key_(std::move(key)),
      options_(std::move(options)),
      impl_(std::make_unique<Impl>()) {
  if (!options_.cert_file.empty()) {
    impl_->tls.use_certificate_chain_file(options_.cert_file);
    impl_->tls.use_private_key_file(options_.key_file, asio::ssl::context::pem);
  }
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FakeOpenAiServer::~FakeOpenAiServer() {
  stopping_ = true;
  {
    // Wake the blocking accept with a connection of our own.
    asio::io_context ioc;
    tcp::socket wake(ioc);
    boost::system::error_code ec;
    wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  }
  acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    threads = std::move(threads_);
  }
  for (std::thread& t : threads) t.join();
}

std::string FakeOpenAiServer::base_url(const std::string& host) const {
  const std::string root = (options_.cert_file.empty() ? "http://" : "https://") + host + ":" +
                           std::to_string(port_);
  return options_.azure
             ? root + "/openai/deployments/d/embeddings?api-version=2024-02-01"
             : root + "/v1";
}

void FakeOpenAiServer::Misbehave(Behavior behavior, int count) {
  std::lock_guard<std::mutex> lock(mu_);
  behavior_ = behavior;
  behavior_count_ = count;
}

void FakeOpenAiServer::set_retry_after(std::string value) {
  std::lock_guard<std::mutex> lock(mu_);
  retry_after_ = std::move(value);
}

std::vector<size_t> FakeOpenAiServer::batch_sizes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return batch_sizes_;
}

Behavior FakeOpenAiServer::NextBehavior() {
  std::lock_guard<std::mutex> lock(mu_);
  if (behavior_count_ <= 0) return Behavior::kNormal;
  --behavior_count_;
  return behavior_;
}

void FakeOpenAiServer::AcceptLoop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = impl_->acceptor.accept(ec);
    if (stopping_) return;
    if (ec) continue;
    ++connections_;
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(socket.native_handle());
    threads_.emplace_back([this, c = std::make_shared<Connection>(std::move(socket))] {
      if (options_.cert_file.empty()) {
        Serve(c->socket);
      } else {
        asio::ssl::stream<tcp::socket&> tls(c->socket, impl_->tls);
        boost::system::error_code hs;
        tls.handshake(asio::ssl::stream_base::server, hs);
        if (!hs) Serve(tls);
      }
      // Forget the descriptor before closing it, so that the destructor never
      // shuts down a number the system has handed to someone else.
      std::lock_guard<std::mutex> done(mu_);
      std::erase(open_fds_, c->socket.native_handle());
      boost::system::error_code ignored;
      c->socket.close(ignored);
    });
  }
}

template <class Stream>
void FakeOpenAiServer::Serve(Stream& stream) {
  beast::flat_buffer buffer;
  for (;;) {
    boost::system::error_code ec;
    http::request_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buffer, parser, ec);
    if (ec) return;
    ++requests_;
    const http::request<http::string_body>& req = parser.get();
    const Behavior behavior = NextBehavior();
    const bool keep_alive = req.keep_alive();
    Response response;
    const auto auth = options_.azure ? req.find("api-key") : req.find(http::field::authorization);
    const std::string auth_value = auth == req.end() ? "" : std::string(auth->value());
    json::value body = json::parse(req.body(), ec);
    const json::array* input = nullptr;
    if (!ec && body.is_object()) {
      if (const json::value* in = body.get_object().if_contains("input"); in && in->is_array()) {
        input = &in->get_array();
      }
    }
    if (behavior == Behavior::kClose) return;
    const std::string_view route = options_.azure
                                       ? "/openai/deployments/d/embeddings?api-version=2024-02-01"
                                       : "/v1/embeddings";
    if (req.method() != http::verb::post || req.target() != route) {
      response = Answer(404, ErrorBody("no such route"), keep_alive);
    } else if (behavior == Behavior::kEchoAuth) {
      response = Answer(400, ErrorBody("bad header: " + auth_value), keep_alive);
    } else if (!key_.empty() && auth_value != (options_.azure ? key_ : "Bearer " + key_)) {
      response = Answer(401, ErrorBody("Incorrect API key provided"), keep_alive);
    } else if (input == nullptr) {
      response = Answer(400, ErrorBody("'input' must be a list"), keep_alive);
    } else {
      {
        std::lock_guard<std::mutex> lock(mu_);
        batch_sizes_.push_back(input->size());
      }
      json::array data;
      const size_t count = behavior == Behavior::kWrongCount ? input->size() - 1 : input->size();
      for (size_t i = 0; i < count; ++i) {
        const json::value& text = (*input)[i];
        std::vector<float> v =
            VectorFor(text.is_string() ? std::string_view(text.get_string()) : "", dimensions_);
        if (behavior == Behavior::kWrongDimensions) v.push_back(1.0f);
        json::array values(v.begin(), v.end());
        if (behavior == Behavior::kHugeValue) values[0] = 1e39;
        data.push_back(json::object{{"object", "embedding"}, {"index", i}, {"embedding", values}});
      }
      if (behavior == Behavior::kShuffled) std::reverse(data.begin(), data.end());
      std::string text = json::serialize(json::object{
          {"object", "list"},
          {"data", std::move(data)},
          {"model", body.get_object().contains("model") ? body.at("model") : json::value("")},
          {"usage", json::object{{"prompt_tokens", 1}, {"total_tokens", 1}}}});
      switch (behavior) {
        case Behavior::kTooManyRequests: {
          response = Answer(429, ErrorBody("rate limited"), keep_alive);
          std::lock_guard<std::mutex> lock(mu_);
          if (!retry_after_.empty()) response.set(http::field::retry_after, retry_after_);
          break;
        }
        case Behavior::kServerError:
          response = Answer(500, ErrorBody("internal failure"), keep_alive);
          break;
        case Behavior::kBadRequest:
          response = Answer(400, ErrorBody("input is too long"), keep_alive);
          break;
        case Behavior::kMalformedJson:
          response = Answer(200, text.substr(0, text.size() / 2), keep_alive);
          break;
        case Behavior::kHugeBody:
          response = Answer(200, std::string(8 << 20, ' ') + text, keep_alive);
          break;
        default:
          response = Answer(200, std::move(text), keep_alive);
      }
    }
    if (behavior == Behavior::kSlow) std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_));
    http::write(stream, response, ec);
    if (ec || !keep_alive) return;
  }
}

}  // namespace quarry::embed::testing
