// HttpSession: one client connection. Reads requests one after another
// (keep-alive and pipelining: requests are answered in the order they came),
// routes each, and writes the answer with the protocol headers every response
// carries (X-Request-ID, X-Response-Time, Server).
//
// Limits are enforced while reading: the header size (431), the body size
// (413, refused right after the header when Content-Length says so), and a
// deadline on every read and write. After an answer that ends the connection
// (413, 431, malformed request) the session stops sending, discards what the
// client still sends for a short while and closes, so that the client reads
// the answer instead of a reset.
//
// Thread-safety: everything runs on the connection's strand, except
// RequestStop, which may be called from any thread. CpuWork runs on the CPU
// pool and its answer is posted back to the strand.
#ifndef QUARRY_SERVER_HTTP_SESSION_H_
#define QUARRY_SERVER_HTTP_SESSION_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "base/stopwatch.h"
#include "server/api_response.h"
#include "server/handler.h"
#include "server/request_id.h"
#include "server/server_context.h"

namespace quarry::server {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // REQUIRES: `socket` runs on its own strand; `context` outlives the session.
  HttpSession(boost::asio::ip::tcp::socket socket, ServerContext* context);
  ~HttpSession();

  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Registers the session and starts reading. Call once.
  void Start();

  // Asks the session to close once its current request is answered; a
  // connection waiting for its next request closes now.
  void RequestStop();

 private:
  enum class State { kReading, kProcessing, kWriting, kLingering, kClosed };

  void ReadHeader();
  void OnHeader(boost::beast::error_code ec, size_t bytes);
  void OnContinueSent(boost::beast::error_code ec, size_t bytes);
  void ReadBody();
  void OnBody(boost::beast::error_code ec, size_t bytes);
  void OnReadError(boost::beast::error_code ec);
  // The body limit of the request whose header was parsed: max_upload_bytes
  // for a multipart upload, else max_body_bytes.
  size_t BodyLimit() const;
  void SendBodyTooLarge();

  void Dispatch();
  void RunOnCpuPool(CpuWork work);
  // Counts one more CPU job, or answers 503 and returns false when the
  // queue is full.
  bool ReserveCpuJob();
  // Sends `response`; `fatal` answers end the connection with a lingering close.
  void Send(ApiResponse response, bool fatal = false);
  void OnWrite(bool close, boost::beast::error_code ec, size_t bytes);

  void BeginLingeringClose();
  void Linger();
  void Close();
  void OnStopRequested();

  // Sets the request-scoped values (id, method, path, version, keep-alive)
  // from the parsed header, or to defaults when it could not be parsed.
  void CaptureRequestLine(bool header_parsed);

  boost::beast::tcp_stream stream_;
  ServerContext* const context_;
  uint64_t registry_key_ = 0;
  bool registered_ = false;
  RequestIdGenerator request_ids_;

  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_response_;
  boost::beast::http::response<boost::beast::http::string_body> response_;

  State state_ = State::kReading;
  bool stop_requested_ = false;  // set by RequestStop, on the strand
  bool fatal_ = false;           // the current answer ends the connection

  // The current request.
  Stopwatch request_clock_;
  std::string request_id_;
  std::string method_;
  std::string path_;
  std::string_view route_name_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;  // HEAD: answered like GET, without the body
  uint64_t bytes_in_ = 0;

  std::unique_ptr<std::array<char, 8192>> linger_buffer_;
};

}  // namespace quarry::server

#endif  // QUARRY_SERVER_HTTP_SESSION_H_
