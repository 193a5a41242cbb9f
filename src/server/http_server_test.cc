// The server over real loopback sockets, in process, on a real Engine in a
// fresh temporary directory: the protocol layer (limits, keep-alive,
// pipelining, shutdown) and the handlers, without the CLI around them.
// tests/e2e/http_e2e_test.py drives the real binary.
#include "server/http_server.h"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/testing/fault_injection_env.h"
#include "base/testing/temp_dir.h"
#include "engine/engine_impl.h"
#include "quarry/engine.h"
#include "server/handlers.h"

namespace quarry::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

// Liveness bounds for waits that would otherwise hang a broken test. Not
// speed assertions: healthy runs finish in milliseconds, or in a few seconds
// for the large ingestions under sanitizers.
constexpr auto kLiveness = std::chrono::seconds(60);
constexpr auto kClientTimeout = std::chrono::seconds(10);

bool IsHex32(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// About `bytes` of English-like prose (sentences of common words in
// paragraphs), always the same, with `marker` as one sentence in the middle.
// Ingesting it exercises the whole write path: JSON parsing, ICU sentence
// splitting, chunking, embedding and the collection file.
std::string Prose(size_t bytes, const std::string& marker) {
  static const char* const kWords[] = {
      "the",     "river",   "stone",    "bridge",  "morning", "village",  "quiet",    "market",
      "garden",  "winter",  "harvest",  "lantern", "window",  "letter",   "teacher",  "engine",
      "station", "forest",  "mountain", "valley",  "orchard", "kitchen",  "library",  "painter",
      "sailor",  "weather", "evening",  "journey", "promise", "silver",   "copper",   "meadow",
      "with",    "across",  "under",    "before",  "after",   "slowly",   "never",    "always",
      "carried", "watched", "opened",   "counted", "painted", "gathered", "followed", "built",
      "and",     "but",     "of",       "to",      "in",      "a",        "was",      "their"};
  constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);
  std::mt19937 rng(20240501);
  std::string text;
  text.reserve(bytes + 256);
  bool marker_written = false;
  size_t sentences_in_paragraph = 0;
  while (text.size() < bytes) {
    if (!marker_written && text.size() >= bytes / 2) {
      text += marker;
      text += ' ';
      marker_written = true;
    }
    const size_t words = 6 + rng() % 14;
    for (size_t i = 0; i < words; ++i) {
      std::string word = kWords[rng() % kWordCount];
      if (i == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
      text += word;
      text += i + 1 == words ? ". " : " ";
    }
    if (++sentences_in_paragraph == 5 + rng() % 4) {
      text.back() = '\n';
      text += '\n';
      sentences_in_paragraph = 0;
    }
  }
  return text;
}

// A POST /api/collections/{name}/documents body holding one document.
std::string DocumentsBody(const std::string& id, const std::string& text) {
  json::object doc;
  doc["id"] = id;
  doc["text"] = text;
  json::array documents;
  documents.push_back(std::move(doc));
  json::object body;
  body["documents"] = std::move(documents);
  return json::serialize(body);
}

// The large document of the ingestion tests: enough prose that ingesting it
// takes hundreds of times longer than a health check round trip (well under a
// millisecond), so that even a fast machine cannot finish the ingestion
// before answering a request that arrives while it runs. Measured on the
// 2-core development machine, Upsert alone (5,325 chunks): 0.98-1.05 s in
// Release, 3.4-3.6 s with ASan+UBSan (RelWithDebInfo); 1 MiB costs about
// 120 ms in Release. Keep it at 300 ms or more in Release if the engine gets
// faster.
constexpr size_t kLargeDocumentBytes = 8u << 20;
constexpr const char* kLargeDocumentMarker =
    "The lighthouse keeper counted seventeen albatrosses above the harbour.";

// A blocking client connection. Every read and write gives up after
// `timeout` (and throws) instead of hanging a broken test: each runs as an
// asynchronous operation on the client's own io_context, cancelled when the
// time is up. (SO_RCVTIMEO would not do: Asio's blocking calls wait again
// when a read times out.)
class Client {
 public:
  explicit Client(uint16_t port, std::chrono::steady_clock::duration timeout = kClientTimeout)
      : socket_(ioc_), timeout_(timeout) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  http::response<http::string_body> Request(
      http::verb method, const std::string& target, const std::string& body = "",
      const std::map<std::string, std::string>& headers = {}) {
    Send(method, target, body, headers);
    return Read();
  }

  void Send(http::verb method, const std::string& target, const std::string& body = "",
            const std::map<std::string, std::string>& headers = {}) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    ThrowIfError(Bounded([&](auto done) { http::async_write(socket_, request, done); }));
  }

  http::response<http::string_body> Read() {
    http::response<http::string_body> response;
    ThrowIfError(Bounded([&](auto done) { http::async_read(socket_, buffer_, response, done); }));
    return response;
  }

  void ReadHeadResponse(http::response_parser<http::empty_body>& parser) {
    ThrowIfError(Bounded([&](auto done) { http::async_read(socket_, buffer_, parser, done); }));
  }

  void WriteRaw(const std::string& bytes) {
    ThrowIfError(
        Bounded([&](auto done) { asio::async_write(socket_, asio::buffer(bytes), done); }));
  }

  // Everything the server sends until it closes (or until a read times out:
  // then `closed` is false).
  std::string ReadUntilClosed(bool* closed) {
    std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.consume(buffer_.size());
    char chunk[4096];
    while (true) {
      size_t n = 0;
      beast::error_code ec = Bounded([&](auto done) {
        socket_.async_read_some(asio::buffer(chunk),
                                [&n, done](beast::error_code e, size_t bytes) mutable {
                                  n = bytes;
                                  done(e, bytes);
                                });
      });
      out.append(chunk, n);
      if (ec) {
        *closed = ec == asio::error::eof || ec == asio::error::connection_reset;
        return out;
      }
    }
  }

  // True if some of the server's answer has arrived and not been read yet.
  // Does not block.
  bool AnswerWaiting() {
    if (buffer_.size() != 0) return true;
    char byte;
    const ssize_t n = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

  int fd() { return socket_.native_handle(); }

 private:
  // Starts one operation with `start(done)` and runs it to completion, or
  // cancels it after timeout_ and returns timed_out.
  template <typename Start>
  beast::error_code Bounded(Start start) {
    beast::error_code result;
    ioc_.restart();
    start([&result](beast::error_code ec, size_t /*bytes*/) { result = ec; });
    ioc_.run_for(timeout_);
    if (ioc_.stopped()) return result;  // out of work: the operation completed
    beast::error_code ignored;
    socket_.cancel(ignored);
    ioc_.run();
    return asio::error::timed_out;
  }

  static void ThrowIfError(beast::error_code ec) {
    if (ec) throw beast::system_error(ec);
  }

  asio::io_context ioc_;
  tcp::socket socket_;
  const std::chrono::steady_clock::duration timeout_;
  beast::flat_buffer buffer_;
};

bool SameEndpoint(const sockaddr_in& a, const sockaddr_in& b) {
  return a.sin_family == b.sin_family && a.sin_port == b.sin_port &&
         a.sin_addr.s_addr == b.sin_addr.s_addr;
}

// The bytes the client of `client_fd` has sent that the server has not read
// yet: those still in the client's send queue, plus those waiting in the
// server end's receive queue. The server runs in this process, so its end of
// the connection is one of our file descriptors, found by its addresses.
// nullopt while the server has not accepted the connection. Linux only
// (SIOCOUTQ, SIOCINQ, /proc/self/fd).
std::optional<int> BytesNotReadByServer(int client_fd) {
  sockaddr_in client_local{};
  sockaddr_in client_peer{};
  socklen_t len = sizeof(client_local);
  if (getsockname(client_fd, reinterpret_cast<sockaddr*>(&client_local), &len) != 0) return {};
  len = sizeof(client_peer);
  if (getpeername(client_fd, reinterpret_cast<sockaddr*>(&client_peer), &len) != 0) return {};
  int unsent = 0;
  if (ioctl(client_fd, SIOCOUTQ, &unsent) != 0) return {};

  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    if (fd == client_fd) continue;
    sockaddr_in local{};
    sockaddr_in peer{};
    len = sizeof(local);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) continue;
    if (len != sizeof(local) || !SameEndpoint(local, client_peer)) continue;
    len = sizeof(peer);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    if (!SameEndpoint(peer, client_local)) continue;
    int unread = 0;
    if (ioctl(fd, SIOCINQ, &unread) != 0) return {};
    return unsent + unread;
  }
  return {};
}

// Waits until the server has read every byte `client` sent: the request is
// then complete on the server's side, and in its hands.
::testing::AssertionResult WaitUntilServerReadAll(Client& client) {
  const auto deadline = std::chrono::steady_clock::now() + kLiveness;
  while (std::chrono::steady_clock::now() < deadline) {
    std::optional<int> pending = BytesNotReadByServer(client.fd());
    if (pending.has_value() && *pending == 0) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return ::testing::AssertionFailure() << "the server did not read the whole request";
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenEngine(); }

  void OpenEngine() {
    if (env_ != nullptr) {
      auto engine = engine::EngineImpl::Open({.data_dir = dir_.path()}, env_);
      ASSERT_TRUE(engine.ok()) << engine.status().ToString();
      engine_ = std::move(engine).value();
      return;
    }
    Result<std::unique_ptr<Engine>> engine = Engine::Open({.data_dir = dir_.path()});
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
  }

  void StartServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.io_threads == 0) options.io_threads = 2;
    if (options.cpu_threads == 0) options.cpu_threads = 2;
    Result<std::unique_ptr<HttpServer>> server = HttpServer::Create(engine_.get(), options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    run_done_ = std::async(std::launch::async, [this] { return server_->Run(); });
  }

  // Reopens the engine on an Env that can fail writes, starts the server and
  // creates `collection`; returns the Env to inject faults with.
  std::shared_ptr<quarry::testing::FaultInjectionEnv> StartOnFaultyDisk(
      const std::string& collection) {
    auto faulty = std::make_shared<quarry::testing::FaultInjectionEnv>(NewPosixEnv());
    engine_.reset();  // SetUp's engine holds the directory lock
    env_ = faulty;
    OpenEngine();
    StartServer();
    EXPECT_EQ(Call(http::verb::put, "/api/collections/" + collection).result(),
              http::status::created);
    return faulty;
  }

  // Stops the server and checks that Run() returned OK.
  void StopServer() {
    if (!server_) return;
    server_->Stop();
    ASSERT_EQ(run_done_.wait_for(kLiveness), std::future_status::ready) << "Run() did not return";
    Status status = run_done_.get();
    EXPECT_TRUE(status.ok()) << status.ToString();
    server_.reset();
  }

  void TearDown() override { StopServer(); }

  uint16_t port() const { return server_->port(); }

  http::response<http::string_body> Call(http::verb method, const std::string& target,
                                         const std::string& body = "",
                                         const std::map<std::string, std::string>& headers = {}) {
    Client client(port());
    return client.Request(method, target, body, headers);
  }

  // Declared first, destroyed last: the engine and the server use it.
  quarry::testing::TempDir dir_;
  std::shared_ptr<Env> env_;  // set before OpenEngine() to inject faults
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<HttpServer> server_;
  std::future<Status> run_done_;
};

std::string Header(const http::response<http::string_body>& response, const char* name) {
  return std::string(response[name]);
}

std::string ErrorCode(const http::response<http::string_body>& response) {
  return std::string(json::parse(response.body()).at("error").at("code").as_string());
}

TEST_F(HttpServerTest, UrlAndPort) {
  StartServer();
  EXPECT_NE(port(), 0);
  EXPECT_EQ(server_->url(), "http://127.0.0.1:" + std::to_string(port()));
}

TEST_F(HttpServerTest, HealthCarriesProtocolHeaders) {
  StartServer();
  auto response = Call(http::verb::get, "/api/health");
  EXPECT_EQ(response.result(), http::status::ok);
  json::value body = json::parse(response.body());
  EXPECT_EQ(body.at("status").as_string(), "ok");
  EXPECT_EQ(body.at("collections").to_number<int>(), 0);
  EXPECT_FALSE(body.at("version").as_string().empty());
  EXPECT_EQ(Header(response, "Content-Type"), "application/json");
  EXPECT_EQ(Header(response, "Server").rfind("quarry/", 0), 0u);
  EXPECT_TRUE(IsHex32(Header(response, "X-Request-ID"))) << Header(response, "X-Request-ID");
  std::string elapsed = Header(response, "X-Response-Time");
  ASSERT_GE(elapsed.size(), 3u);
  EXPECT_EQ(elapsed.substr(elapsed.size() - 2), "ms");
  EXPECT_GE(std::stod(elapsed), 0.0);
}

TEST_F(HttpServerTest, RequestIdEchoedWhenAcceptable) {
  StartServer();
  auto echoed = Call(http::verb::get, "/api/health", "", {{"X-Request-ID", "client-42"}});
  EXPECT_EQ(Header(echoed, "X-Request-ID"), "client-42");
  auto replaced = Call(http::verb::get, "/api/health", "", {{"X-Request-ID", "has space"}});
  EXPECT_TRUE(IsHex32(Header(replaced, "X-Request-ID")));
  auto on_error = Call(http::verb::get, "/nope", "", {{"X-Request-ID", "err-1"}});
  EXPECT_EQ(Header(on_error, "X-Request-ID"), "err-1");
}

TEST_F(HttpServerTest, IndexPageIsHtml) {
  StartServer();
  auto response = Call(http::verb::get, "/");
  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(Header(response, "Content-Type").rfind("text/html", 0), 0u);
  EXPECT_NE(response.body().find("/api/search"), std::string::npos);
  EXPECT_NE(response.body().find("textContent"), std::string::npos);
  EXPECT_EQ(response.body().find("innerHTML"), std::string::npos);
}

TEST_F(HttpServerTest, UnknownRouteIs404AndWrongMethodIs405) {
  StartServer();
  auto missing = Call(http::verb::get, "/api/nothing?x=1");
  EXPECT_EQ(missing.result(), http::status::not_found);
  EXPECT_EQ(ErrorCode(missing), "not_found");
  EXPECT_TRUE(IsHex32(Header(missing, "X-Request-ID")));
  EXPECT_FALSE(Header(missing, "X-Response-Time").empty());

  auto wrong = Call(http::verb::delete_, "/api/search");
  EXPECT_EQ(wrong.result(), http::status::method_not_allowed);
  EXPECT_EQ(Header(wrong, "Allow"), "POST");
  EXPECT_EQ(ErrorCode(wrong), "invalid_argument");
}

TEST_F(HttpServerTest, HeadIsGetWithoutBody) {
  StartServer();
  auto get = Call(http::verb::get, "/api/health");
  Client client(port());
  client.Send(http::verb::head, "/api/health");
  // A HEAD answer has a Content-Length but no body: read the header only.
  http::response_parser<http::empty_body> parser;
  parser.skip(true);
  client.ReadHeadResponse(parser);
  EXPECT_EQ(parser.get().result(), http::status::ok);
  EXPECT_EQ(parser.get()[http::field::content_length], std::to_string(get.body().size()));
  EXPECT_FALSE(Header(get, "X-Request-ID").empty());
  // The connection is still in step: the next answers parse cleanly.
  client.Send(http::verb::head, "/nope");
  http::response_parser<http::empty_body> missing;
  missing.skip(true);
  client.ReadHeadResponse(missing);
  EXPECT_EQ(missing.get().result(), http::status::not_found);
  EXPECT_EQ(client.Request(http::verb::get, "/api/health").result(), http::status::ok);
}

TEST_F(HttpServerTest, CollectionLifecycle) {
  StartServer();
  auto created =
      Call(http::verb::put, "/api/collections/c1", R"({"embedder": {"dimensions": 64}})");
  ASSERT_EQ(created.result(), http::status::created) << created.body();
  json::value info = json::parse(created.body());
  EXPECT_EQ(info.at("name").as_string(), "c1");
  EXPECT_EQ(info.at("embedder").at("dimensions").to_number<int>(), 64);
  EXPECT_TRUE(info.at("config").is_object());

  EXPECT_EQ(Call(http::verb::put, "/api/collections/c1").result(), http::status::conflict);
  EXPECT_EQ(Call(http::verb::put, "/api/collections/c2", "{").result(), http::status::bad_request);
  EXPECT_EQ(
      Call(http::verb::put, "/api/collections/c2", R"({"embedder": {"dimensions": 1}})").result(),
      http::status::bad_request);
  // A client cannot point a local embedder at a path (no --models-dir here).
  auto local_path = Call(http::verb::put, "/api/collections/c2",
                         R"({"embedder": {"type": "local", "model": "/etc"}})");
  EXPECT_EQ(local_path.result(), http::status::bad_request);
  EXPECT_NE(local_path.body().find("--models-dir"), std::string::npos) << local_path.body();
  auto bad_name = Call(http::verb::put, "/api/collections/..%2Fx");
  EXPECT_EQ(bad_name.result(), http::status::bad_request);
  EXPECT_EQ(Call(http::verb::put, "/api/collections/%zz").result(), http::status::bad_request);
  EXPECT_EQ(Call(http::verb::put, "/api/collections/c3").result(), http::status::created);

  auto list = Call(http::verb::get, "/api/collections");
  ASSERT_EQ(list.result(), http::status::ok);
  EXPECT_EQ(json::parse(list.body()).at("collections").as_array().size(), 2u);
  EXPECT_EQ(Call(http::verb::get, "/api/collections/c1").result(), http::status::ok);

  auto deleted = Call(http::verb::delete_, "/api/collections/c1");
  ASSERT_EQ(deleted.result(), http::status::ok);
  EXPECT_EQ(json::parse(deleted.body()).at("deleted").as_string(), "c1");
  EXPECT_EQ(Call(http::verb::get, "/api/collections/c1").result(), http::status::not_found);
  EXPECT_EQ(Call(http::verb::delete_, "/api/collections/c1").result(), http::status::not_found);
}

TEST_F(HttpServerTest, IngestSearchGetAndDeleteDocuments) {
  ServerOptions options;
  options.default_collection = "docs";
  StartServer(options);
  ASSERT_EQ(Call(http::verb::put, "/api/collections/docs").result(), http::status::created);

  auto ingested = Call(http::verb::post, "/api/collections/docs/documents?wait=true", R"({"documents": [
      {"id": "a/b c", "title": "Bees", "text": "Honey bees build wax combs in the hive.",
       "metadata": {"topic": "insects"}},
      {"id": "rust", "text": "Rust prevents data races with ownership and borrowing."},
      {"id": "tea", "text": "Green tea is steamed, black tea is oxidised."}]})");
  ASSERT_EQ(ingested.result(), http::status::ok) << ingested.body();
  json::value summary = json::parse(ingested.body());
  EXPECT_EQ(summary.at("documents").to_number<int>(), 3);
  EXPECT_EQ(summary.at("unchanged").to_number<int>(), 0);
  EXPECT_EQ(summary.at("chunks").to_number<int>(), 3);  // short texts: one chunk each
  EXPECT_EQ(summary.at("generation").to_number<int>(), 1);

  // One of them again, unchanged: nothing is written, the generation stays.
  auto again = Call(
      http::verb::post, "/api/collections/docs/documents?wait=true",
      R"({"documents": [{"id": "tea", "text": "Green tea is steamed, black tea is oxidised."}]})");
  ASSERT_EQ(again.result(), http::status::ok) << again.body();
  EXPECT_EQ(json::parse(again.body()).at("unchanged").to_number<int>(), 1);
  EXPECT_EQ(json::parse(again.body()).at("generation").to_number<int>(), 1);

  auto found = Call(http::verb::post, "/api/search", R"({"query": "bees hive", "k": 2})");
  ASSERT_EQ(found.result(), http::status::ok) << found.body();
  json::value results = json::parse(found.body());
  EXPECT_EQ(results.at("collection").as_string(), "docs");
  ASSERT_GE(results.at("hits").as_array().size(), 1u);
  EXPECT_EQ(results.at("hits").at(0).at("document_id").as_string(), "a/b c");
  EXPECT_EQ(results.at("hits").at(0).at("title").as_string(), "Bees");
  EXPECT_TRUE(results.at("timing").is_object());

  auto doc = Call(http::verb::get, "/api/collections/docs/documents/a%2Fb%20c");
  ASSERT_EQ(doc.result(), http::status::ok) << doc.body();
  json::value doc_info = json::parse(doc.body());
  EXPECT_EQ(doc_info.at("id").as_string(), "a/b c");
  EXPECT_EQ(doc_info.at("metadata").at("topic").as_string(), "insects");

  EXPECT_EQ(Call(http::verb::delete_, "/api/collections/docs/documents/a%2Fb%20c").result(),
            http::status::ok);
  EXPECT_EQ(Call(http::verb::get, "/api/collections/docs/documents/a%2Fb%20c").result(),
            http::status::not_found);
  auto after = Call(http::verb::post, "/api/search", R"({"query": "bees hive"})");
  ASSERT_EQ(after.result(), http::status::ok) << after.body();
  json::value after_results = json::parse(after.body());
  for (const auto& hit : after_results.at("hits").as_array()) {
    EXPECT_NE(hit.at("document_id").as_string(), "a/b c");
  }
}

TEST_F(HttpServerTest, ValidationErrorsAre400WithErrorJson) {
  StartServer();
  ASSERT_EQ(Call(http::verb::put, "/api/collections/default").result(), http::status::created);
  for (const char* body : {"{not json", R"({"k": 3})", R"({"query": "q", "k": 0})",
                           R"({"query": "q", "k": 100000})", R"({"query": "q", "size": 3})"}) {
    auto response = Call(http::verb::post, "/api/search", body);
    EXPECT_EQ(response.result(), http::status::bad_request) << body;
    EXPECT_EQ(ErrorCode(response), "invalid_argument") << body;
  }
  auto missing = Call(http::verb::post, "/api/search", R"({"query": "q", "collection": "nope"})");
  EXPECT_EQ(missing.result(), http::status::not_found);
  EXPECT_EQ(
      Call(http::verb::post, "/api/collections/nope/documents?wait=true", R"({"documents": []})").result(),
      http::status::not_found);
  auto bad_docs = Call(http::verb::post, "/api/collections/default/documents?wait=true",
                       R"({"documents": [{"id": "x"}]})");
  EXPECT_EQ(bad_docs.result(), http::status::bad_request);
  EXPECT_NE(bad_docs.body().find("documents[0].text"), std::string::npos) << bad_docs.body();
  auto huge = Call(http::verb::post, "/api/search",
                   R"({"query": ")" + std::string(kMaxSearchBodyBytes, 'a') + "\"}");
  EXPECT_EQ(huge.result(), http::status::payload_too_large);
}

TEST_F(HttpServerTest, KeepAliveAndPipeliningAnswerInOrder) {
  StartServer();
  Client client(port());
  EXPECT_EQ(client.Request(http::verb::get, "/api/health").result(), http::status::ok);
  EXPECT_EQ(client.Request(http::verb::get, "/nope").result(), http::status::not_found);

  // Three requests in one write; the answers come back in the same order.
  client.WriteRaw(
      "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Request-ID: one\r\n\r\n"
      "GET /missing HTTP/1.1\r\nHost: x\r\nX-Request-ID: two\r\n\r\n"
      "POST /api/search HTTP/1.1\r\nHost: x\r\nX-Request-ID: three\r\n"
      "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
  auto first = client.Read();
  auto second = client.Read();
  auto third = client.Read();
  EXPECT_EQ(Header(first, "X-Request-ID"), "one");
  EXPECT_EQ(first.result(), http::status::ok);
  EXPECT_EQ(Header(second, "X-Request-ID"), "two");
  EXPECT_EQ(second.result(), http::status::not_found);
  EXPECT_EQ(Header(third, "X-Request-ID"), "three");
  EXPECT_EQ(third.result(), http::status::bad_request);
  EXPECT_FALSE(third.keep_alive());
  bool closed = false;
  client.ReadUntilClosed(&closed);
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, DeclaredBodyOverLimitIs413WithoutReadingIt) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  Client client(port());
  // Declare a megabyte, send a few bytes, and wait: the answer must come
  // right after the header, since the server never waits for the body.
  client.WriteRaw(
      "POST /api/search HTTP/1.1\r\nHost: x\r\nX-Request-ID: big-1\r\n"
      "Content-Length: 1048576\r\n\r\n{\"query\":");
  bool closed = false;
  std::string answer = client.ReadUntilClosed(&closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_NE(answer.find("X-Request-ID: big-1"), std::string::npos) << answer;
  EXPECT_NE(answer.find("X-Response-Time: "), std::string::npos);
  EXPECT_NE(answer.find("resource_exhausted"), std::string::npos);
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, ChunkedBodyGrowingPastLimitIs413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  Client client(port());
  std::string chunk(800, 'x');
  client.WriteRaw("POST /api/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  client.WriteRaw("320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n");
  bool closed = false;
  std::string answer = client.ReadUntilClosed(&closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, HugeHeaderIs431) {
  StartServer();
  Client client(port());
  client.WriteRaw("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                  "\r\n\r\n");
  bool closed = false;
  std::string answer = client.ReadUntilClosed(&closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer.substr(0, 200);
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, GarbageIs400AndClosed) {
  StartServer();
  for (const char* garbage :
       {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", "HELLO THERE\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n"}) {
    Client client(port());
    client.WriteRaw(garbage);
    bool closed = false;
    std::string answer = client.ReadUntilClosed(&closed);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << garbage << " -> " << answer;
    EXPECT_NE(answer.find("X-Request-ID: "), std::string::npos);
    EXPECT_TRUE(closed) << garbage;
  }
  // The server is still serving.
  EXPECT_EQ(Call(http::verb::get, "/api/health").result(), http::status::ok);
}

TEST_F(HttpServerTest, Expect100ContinueGetsTheGoAhead) {
  StartServer();
  ASSERT_EQ(Call(http::verb::put, "/api/collections/default").result(), http::status::created);
  Client client(port());
  std::string body = R"({"query": "anything"})";
  client.WriteRaw(
      "POST /api/search HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  auto interim = client.Read();
  EXPECT_EQ(interim.result(), http::status::continue_);
  client.WriteRaw(body);
  auto final_response = client.Read();
  EXPECT_EQ(final_response.result(), http::status::ok) << final_response.body();
}

TEST_F(HttpServerTest, IdleConnectionTimesOut) {
  ServerOptions options;
  options.read_timeout = std::chrono::seconds(1);
  StartServer(options);
  Client client(port());
  client.WriteRaw("GET /api/health HTTP/1.1\r\nHost:");  // and then nothing
  bool closed = false;
  client.ReadUntilClosed(&closed);
  EXPECT_TRUE(closed) << "the server should close a connection that stalls";
}

// Ingestion must not run on an IO thread, or every connection that thread
// serves would wait for it. With a single IO thread, a health check sent while
// a large ingestion runs is answered before the ingestion: were ingestion run
// on the IO thread, the health request could not even be read until the
// ingestion had been answered. The health request is sent only once the server
// has read the whole ingestion request, so that the ingestion has been handed
// on (to the pool, or, were it wrong, to the IO thread itself) by then.
// kLargeDocumentBytes keeps the ingestion hundreds of times longer than the
// health round trip, so the order cannot flip on a fast machine.
TEST_F(HttpServerTest, IngestionRunsOnTheCpuPoolNotTheIoThread) {
  ServerOptions options;
  options.io_threads = 1;
  options.cpu_threads = 1;
  StartServer(options);
  ASSERT_EQ(Call(http::verb::put, "/api/collections/big").result(), http::status::created);

  Client ingest(port(), kLiveness);
  ingest.Send(http::verb::post, "/api/collections/big/documents?wait=true",
              DocumentsBody("prose", Prose(kLargeDocumentBytes, kLargeDocumentMarker)));
  ASSERT_TRUE(WaitUntilServerReadAll(ingest));

  Client health(port());
  auto health_answer = health.Request(http::verb::get, "/api/health");
  const bool ingestion_answered_first = ingest.AnswerWaiting();
  EXPECT_EQ(health_answer.result(), http::status::ok);

  auto ingested = ingest.Read();
  ASSERT_EQ(ingested.result(), http::status::ok) << ingested.body();
  json::value summary = json::parse(ingested.body());
  EXPECT_EQ(summary.at("documents").to_number<int>(), 1);
  EXPECT_GT(summary.at("chunks").to_number<int>(), 1000);
  EXPECT_FALSE(ingestion_answered_first)
      << "the ingestion was answered before a health check sent while it ran (ingestion took "
      << Header(ingested, "X-Response-Time") << "): did it run on the IO thread?";
}

// Shutdown lets an ingestion the server has accepted finish: the client gets
// its whole answer, Run() returns, and the document is on disk for the next
// Engine to open. Stop() comes once the server holds the whole request, while
// the ingestion of kLargeDocumentBytes has most of its work still ahead.
TEST_F(HttpServerTest, StopWaitsForInFlightIngestion) {
  // The 8 MiB ingestion takes ~1 s in Release but over 10 s in the ASan build
  // on a loaded machine; the grace period must outlast it for this test.
  ServerOptions options;
  options.shutdown_grace = std::chrono::seconds(300);
  StartServer(options);
  ASSERT_EQ(Call(http::verb::put, "/api/collections/big").result(), http::status::created);

  Client ingest(port(), kLiveness);
  ingest.Send(http::verb::post, "/api/collections/big/documents?wait=true",
              DocumentsBody("prose", Prose(kLargeDocumentBytes, kLargeDocumentMarker)));
  ASSERT_TRUE(WaitUntilServerReadAll(ingest));
  server_->Stop();

  auto response = ingest.Read();
  ASSERT_EQ(response.result(), http::status::ok) << response.body();
  EXPECT_FALSE(response.keep_alive());
  json::value summary = json::parse(response.body());
  EXPECT_EQ(summary.at("documents").to_number<int>(), 1);
  EXPECT_EQ(summary.at("generation").to_number<int>(), 1);
  StopServer();

  // What was acknowledged is stored: a new Engine on the same directory finds
  // the one sentence that holds the marker words.
  engine_.reset();
  OpenEngine();
  Result<std::shared_ptr<Collection>> collection = engine_->GetCollection("big");
  ASSERT_TRUE(collection.ok()) << collection.status().ToString();
  EXPECT_EQ((*collection)->Info().documents, 1u);
  Result<SearchResponse> found =
      (*collection)->Search(SearchRequest{.query = "lighthouse albatrosses", .k = 1});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->hits.size(), 1u);
  EXPECT_EQ(found->hits[0].document_id, "prose");
  EXPECT_NE(found->hits[0].text.find("albatrosses"), std::string::npos) << found->hits[0].text;
}

TEST_F(HttpServerTest, StopClosesIdleKeepAliveConnections) {
  StartServer();
  Client client(port());
  ASSERT_EQ(client.Request(http::verb::get, "/api/health").result(), http::status::ok);
  StopServer();  // would hang if the idle connection kept the server alive
  bool closed = false;
  client.ReadUntilClosed(&closed);
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, SigtermStopsRun) {
  StartServer();
  // Once a request is answered, Run() has installed its signal handlers.
  ASSERT_EQ(Call(http::verb::get, "/api/health").result(), http::status::ok);
  std::raise(SIGTERM);
  ASSERT_EQ(run_done_.wait_for(kLiveness), std::future_status::ready) << "SIGTERM ignored";
  EXPECT_TRUE(run_done_.get().ok());
  server_.reset();
}

TEST_F(HttpServerTest, SigintWithOpenConnectionStopsRun) {
  StartServer();
  Client idle(port());
  ASSERT_EQ(idle.Request(http::verb::get, "/api/health").result(), http::status::ok);
  std::raise(SIGINT);
  ASSERT_EQ(run_done_.wait_for(kLiveness), std::future_status::ready) << "SIGINT ignored";
  EXPECT_TRUE(run_done_.get().ok());
  server_.reset();
}

TEST_F(HttpServerTest, StopBeforeRunMakesRunReturn) {
  Result<std::unique_ptr<HttpServer>> server = HttpServer::Create(
      engine_.get(),
      ServerOptions{.host = "127.0.0.1", .port = 0, .io_threads = 1, .cpu_threads = 1});
  ASSERT_TRUE(server.ok());
  (*server)->Stop();
  (*server)->Stop();
  EXPECT_TRUE((*server)->Run().ok());
}

TEST_F(HttpServerTest, CreateReportsAddressInUseAndBadHosts) {
  StartServer();
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = port();
  Result<std::unique_ptr<HttpServer>> second = HttpServer::Create(engine_.get(), options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use"), std::string::npos);

  options.port = 0;
  options.host = "300.1.2.3";
  Result<std::unique_ptr<HttpServer>> bad = HttpServer::Create(engine_.get(), options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);

  EXPECT_FALSE(HttpServer::Create(nullptr, ServerOptions{}).ok());
}

TEST_F(HttpServerTest, IngestionWithoutWaitAnswers202AndTheJobTellsTheOutcome) {
  StartServer();
  ASSERT_EQ(Call(http::verb::put, "/api/collections/jobs").result(), http::status::created);
  auto accepted = Call(http::verb::post, "/api/collections/jobs/documents",
                       R"({"documents": [{"id": "a", "text": "Owls hunt at night."}]})");
  ASSERT_EQ(accepted.result(), http::status::accepted) << accepted.body();
  const json::object job = json::parse(accepted.body()).as_object();
  const std::string url(job.at("url").as_string());
  EXPECT_EQ(Header(accepted, "Location"), url);
  json::object status;
  const auto deadline = std::chrono::steady_clock::now() + kLiveness;
  do {
    auto polled = Call(http::verb::get, url);
    ASSERT_EQ(polled.result(), http::status::ok) << polled.body();
    status = json::parse(polled.body()).as_object();
    if (status.at("status") == "succeeded" || status.at("status") == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(status.at("status"), "succeeded") << json::serialize(status);
  EXPECT_EQ(status.at("result").at("documents").to_number<int>(), 1);
  EXPECT_EQ(Call(http::verb::get, "/api/collections/jobs/documents/a").result(), http::status::ok);
  // A bad body is refused at once, not queued.
  auto bad = Call(http::verb::post, "/api/collections/jobs/documents", R"({"documents": [{}]})");
  EXPECT_EQ(bad.result(), http::status::bad_request);
  EXPECT_EQ(Call(http::verb::post, "/api/collections/jobs/documents?wait=maybe",
                 R"({"documents": [{"id": "b", "text": "x"}]})").result(),
            http::status::bad_request);
  EXPECT_EQ(Call(http::verb::get, "/api/jobs/no-such-job").result(), http::status::not_found);
}

TEST_F(HttpServerTest, AFullDiskAnswers507SearchesGoOnAndWritesResume) {
  auto faulty = StartOnFaultyDisk("disk");
  const std::string doc = R"({"documents": [{"id": "a", "text": "Otters float on their backs."}]})";
  ASSERT_EQ(Call(http::verb::post, "/api/collections/disk/documents?wait=true", doc).result(),
            http::status::ok);
  faulty->SetDiskFull(true);
  auto full = Call(http::verb::post, "/api/collections/disk/documents?wait=true",
                   R"({"documents": [{"id": "b", "text": "Beavers build dams."}]})");
  EXPECT_EQ(full.result(), http::status::insufficient_storage) << full.body();
  EXPECT_NE(full.body().find("no_space"), std::string::npos);
  auto search = Call(http::verb::post, "/api/search", R"({"collection": "disk", "query": "otters"})");
  EXPECT_EQ(search.result(), http::status::ok) << search.body();
  faulty->SetDiskFull(false);
  EXPECT_EQ(Call(http::verb::post, "/api/collections/disk/documents?wait=true",
                 R"({"documents": [{"id": "b", "text": "Beavers build dams."}]})").result(),
            http::status::ok);
}

TEST_F(HttpServerTest, AnUploadStoppedByAFullDiskSaysWhichFilesWentIn) {
  auto faulty = StartOnFaultyDisk("up");
  const auto file = [](const std::string& name, const std::string& text) {
    return "--qq\r\nContent-Disposition: form-data; name=file; filename=\"" + name +
           "\"\r\n\r\n" + text + "\r\n";
  };
  const std::map<std::string, std::string> multipart = {
      {"Content-Type", "multipart/form-data; boundary=qq"}};
  auto ok = Call(http::verb::post, "/api/collections/up/documents?wait=true",
                 file("a.md", "# Otters\n\nOtters float.") + "--qq--\r\n", multipart);
  ASSERT_EQ(ok.result(), http::status::ok) << ok.body();

  faulty->SetDiskFull(true);
  auto full = Call(http::verb::post, "/api/collections/up/documents?wait=true",
                   file("b.txt", "Beavers build dams.") + file("c.txt", "Cranes wade.") +
                       "--qq--\r\n",
                   multipart);
  EXPECT_EQ(full.result(), http::status::insufficient_storage) << full.body();
  const json::object body = json::parse(full.body()).as_object();
  EXPECT_EQ(body.at("error").at("code"), "no_space");
  const json::array& files = body.at("files").as_array();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].at("status").to_number<int>(), 507);
  EXPECT_EQ(files[0].at("state"), "failed");
  EXPECT_EQ(files[1].at("state"), "not_attempted");
  EXPECT_FALSE(files[1].as_object().contains("status"));
  faulty->SetDiskFull(false);
  EXPECT_EQ(Call(http::verb::get, "/api/collections/up/documents/a.md").result(), http::status::ok);
  EXPECT_EQ(Call(http::verb::get, "/api/collections/up/documents/b.txt").result(),
            http::status::not_found);
}

}  // namespace
}  // namespace quarry::server
