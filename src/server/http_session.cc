#include "server/http_session.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <utility>
#include <variant>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/object.hpp>

#include "quarry/version.h"
#include "server/multipart.h"
#include "server/percent_decoding.h"

namespace quarry::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

// How long a connection that must close keeps draining what its client still
// sends, so that the client reads our answer before the connection resets.
constexpr std::chrono::seconds kLingerTime{2};

std::string_view ToStd(beast::string_view s) { return std::string_view(s.data(), s.size()); }

bool IsHttpProtocolError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}


Result<std::string> StartBackgroundJob(ServerContext* context, BackgroundJob job) {
  if (context->cpu_jobs.fetch_add(1) >= context->max_cpu_jobs) {
    context->cpu_jobs.fetch_sub(1);
    return Status::Unavailable("the server has " + std::to_string(context->max_cpu_jobs) +
                               " write requests queued; retry later");
  }
  const std::string id = context->jobs.Create(std::move(job.kind), std::move(job.collection));
  // The job holds the server context, not a connection: it runs on after
  // the client has gone. The HttpServer joins the CPU pool before the
  // context dies.
  asio::post(*context->cpu_pool, [context, id, work = std::move(job.work)]() {
    context->jobs.MarkRunning(id);
    const JobProgressSink progress = [context, &id](const JobProgress& p) {
      context->jobs.SetProgress(id, p);
    };
    ApiResponse response;
    try {
      response = work(progress);
    } catch (const std::exception& e) {
      response = ErrorResponse(Status::Internal(std::string("unexpected exception: ") + e.what()));
    } catch (...) {
      response = ErrorResponse(Status::Internal("unexpected exception"));
    }
    context->jobs.Finish(id, response);
    context->cpu_jobs.fetch_sub(1);
  });
  return id;
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket socket, ServerContext* context)
    : stream_(std::move(socket)), context_(context) {}

HttpSession::~HttpSession() {
  if (registered_) context_->sessions.Remove(registry_key_);
}

void HttpSession::Start() {
  registry_key_ = context_->sessions.Add(weak_from_this());
  registered_ = true;
  asio::dispatch(stream_.get_executor(),
                 beast::bind_front_handler(&HttpSession::ReadHeader, shared_from_this()));
}

void HttpSession::RequestStop() {
  asio::post(stream_.get_executor(),
             beast::bind_front_handler(&HttpSession::OnStopRequested, shared_from_this()));
}

void HttpSession::OnStopRequested() {
  stop_requested_ = true;
  // A connection between requests has nothing in flight: close it now. One in
  // the middle of a request finishes it and closes after the answer.
  if (state_ == State::kReading && parser_.has_value() && !parser_->got_some() &&
      buffer_.size() == 0) {
    Close();
  }
}

void HttpSession::ReadHeader() {
  if (state_ == State::kClosed) return;
  if (stop_requested_ && buffer_.size() == 0) {
    Close();
    return;
  }
  state_ = State::kReading;
  bytes_in_ = 0;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
  // The larger limit until the header says which applies (OnHeader).
  parser_->body_limit(
      std::max(context_->options.max_body_bytes, context_->options.max_upload_bytes));
  stream_.expires_after(context_->options.read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::OnHeader, shared_from_this()));
}

void HttpSession::OnHeader(beast::error_code ec, size_t bytes) {
  bytes_in_ += bytes;
  if (ec) {
    OnReadError(ec);
    return;
  }
  request_clock_.Reset();
  CaptureRequestLine(/*header_parsed=*/true);
  const size_t limit = BodyLimit();
  if (parser_->content_length().value_or(0) > limit) {
    SendBodyTooLarge();
    return;
  }
  parser_->body_limit(limit);  // no body byte is parsed yet: a chunked body counts from here
  if (parser_->is_done()) {
    Dispatch();
    return;
  }
  // A client that asks before sending its body (curl does for large ones)
  // gets the go-ahead; a body over the limit was refused already.
  if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    continue_response_ = {};
    continue_response_.version(version_);
    continue_response_.result(http::status::continue_);
    stream_.expires_after(context_->options.read_timeout);
    http::async_write(stream_, continue_response_,
                      beast::bind_front_handler(&HttpSession::OnContinueSent, shared_from_this()));
    return;
  }
  ReadBody();
}

void HttpSession::OnContinueSent(beast::error_code ec, size_t /*bytes*/) {
  if (ec) {
    Close();
    return;
  }
  ReadBody();
}

void HttpSession::ReadBody() {
  stream_.expires_after(context_->options.read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::OnBody, shared_from_this()));
}

void HttpSession::OnBody(beast::error_code ec, size_t bytes) {
  bytes_in_ += bytes;
  if (ec) {
    OnReadError(ec);
    return;
  }
  Dispatch();
}

void HttpSession::OnReadError(beast::error_code ec) {
  if (state_ == State::kClosed) return;
  request_clock_.Reset();
  if (ec == http::error::body_limit) {
    // Raised by Content-Length as soon as the fields are parsed (before the
    // parser calls the header complete), or by a chunked body mid-way: in
    // both cases the request line and fields are all there.
    CaptureRequestLine(/*header_parsed=*/true);
    SendBodyTooLarge();
    return;
  }
  if (ec == http::error::header_limit) {
    CaptureRequestLine(/*header_parsed=*/false);
    Send(ErrorResponse(http::status::request_header_fields_too_large,
                       Status::ResourceExhausted("request header is larger than the limit of " +
                                                 std::to_string(kMaxHeaderBytes) + " bytes")),
         /*fatal=*/true);
    return;
  }
  // end_of_stream: the client closed between requests; partial_message: it
  // closed in the middle of one. Either way there is nobody to answer.
  if (IsHttpProtocolError(ec) && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    CaptureRequestLine(/*header_parsed=*/false);
    Send(ErrorResponse(Status::InvalidArgument("malformed HTTP request: " + ec.message())),
         /*fatal=*/true);
    return;
  }
  // Timeouts (the stream is already closed), resets, cancellation.
  Close();
}

size_t HttpSession::BodyLimit() const {
  const auto& request = parser_->get();
  if (request.method() == http::verb::post &&
      IsMultipartFormData(ToStd(request[http::field::content_type]))) {
    const RouteMatch match = context_->router.Match(http::verb::post, path_);
    if (match.kind == RouteMatch::Kind::kFound && match.route->name == "post_documents") {
      return context_->options.max_upload_bytes;
    }
  }
  return context_->options.max_body_bytes;
}

void HttpSession::SendBodyTooLarge() {
  Send(ErrorResponse(Status::ResourceExhausted("request body is larger than the limit of " +
                                               std::to_string(BodyLimit()) + " bytes")),
       /*fatal=*/true);
}

void HttpSession::CaptureRequestLine(bool header_parsed) {
  route_name_ = {};
  if (header_parsed) {
    const auto& request = parser_->get();
    request_id_ = ChooseRequestId(ToStd(request["X-Request-ID"]), request_ids_);
    method_ = std::string(ToStd(request.method_string()));
    std::string_view target = ToStd(request.target());
    path_ = std::string(target.substr(0, target.find('?')));
    version_ = request.version();
    keep_alive_ = request.keep_alive();
    head_ = request.method() == http::verb::head;
  } else {
    request_id_ = request_ids_.Next();
    method_.clear();
    path_.clear();
    version_ = 11;
    keep_alive_ = false;
    head_ = false;
  }
}

void HttpSession::Dispatch() {
  state_ = State::kProcessing;
  auto& request = parser_->get();
  // HEAD is GET without the body (RFC 9110 9.3.2); Send drops the body.
  const http::verb method = head_ ? http::verb::get : request.method();
  RouteMatch match = context_->router.Match(method, path_);
  if (match.kind == RouteMatch::Kind::kNotFound) {
    Send(ErrorResponse(Status::NotFound("no route for " + method_ + " " + path_)));
    return;
  }
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    ApiResponse response =
        ErrorResponse(http::status::method_not_allowed,
                      Status::InvalidArgument("method " + method_ + " is not allowed on " + path_ +
                                              "; allowed: " + match.allow));
    response.headers.emplace_back(http::field::allow, match.allow);
    Send(std::move(response));
    return;
  }

  route_name_ = match.route->name;
  RequestContext context;
  context.engine = context_->engine;
  context.options = &context_->options;
  for (const auto& [name, raw] : match.raw_params) {
    Result<std::string> decoded = PercentDecode(raw);
    if (!decoded.ok()) {
      Send(ErrorResponse(decoded.status().WithContext("path segment {" + std::string(name) + "}")));
      return;
    }
    context.params.Add(name, std::move(decoded).value());
  }
  const std::string_view target(request.target().data(), request.target().size());
  const size_t question = target.find('?');
  if (question != std::string_view::npos) {
    Result<QueryParams> query = QueryParams::Parse(target.substr(question + 1));
    if (!query.ok()) {
      Send(ErrorResponse(query.status().WithContext("query string")));
      return;
    }
    context.query = std::move(query).value();
  }
  context.jobs = &context_->jobs;
  context.search_cache = &context_->search_cache;
  context.start_job = [server = context_](BackgroundJob job) {
    return StartBackgroundJob(server, std::move(job));
  };
  context.content_type = std::string(ToStd(request[http::field::content_type]));
  context.body = std::move(request.body());

  HandlerReply reply;
  try {
    reply = match.route->handler(context);
  } catch (const std::exception& e) {
    reply = ErrorResponse(Status::Internal(std::string("unexpected exception: ") + e.what()));
  } catch (...) {
    reply = ErrorResponse(Status::Internal("unexpected exception"));
  }
  if (auto* response = std::get_if<ApiResponse>(&reply)) {
    Send(std::move(*response));
  } else {
    RunOnCpuPool(std::move(std::get<CpuWork>(reply)));
  }
}

bool HttpSession::ReserveCpuJob() {
  if (context_->cpu_jobs.fetch_add(1) < context_->max_cpu_jobs) return true;
  context_->cpu_jobs.fetch_sub(1);
  ApiResponse busy = ErrorResponse(Status::Unavailable("the server has " +
                                                       std::to_string(context_->max_cpu_jobs) +
                                                       " write requests queued; retry later"));
  Send(std::move(busy));
  return false;
}

void HttpSession::RunOnCpuPool(CpuWork work) {
  if (!ReserveCpuJob()) return;
  // The tracked executor keeps the io_context running until the answer has
  // been posted back, and posting to it lands on this connection's strand.
  auto home = asio::prefer(stream_.get_executor(), asio::execution::outstanding_work.tracked);
  asio::post(*context_->cpu_pool, [self = shared_from_this(), work = std::move(work),
                                   home = std::move(home)]() mutable {
    ApiResponse response;
    try {
      response = work();
    } catch (const std::exception& e) {
      response = ErrorResponse(Status::Internal(std::string("unexpected exception: ") + e.what()));
    } catch (...) {
      response = ErrorResponse(Status::Internal("unexpected exception"));
    }
    self->context_->cpu_jobs.fetch_sub(1);
    asio::post(home, [self, response = std::move(response)]() mutable {
      self->Send(std::move(response));
    });
  });
}

void HttpSession::Send(ApiResponse api, bool fatal) {
  if (state_ == State::kClosed) return;
  state_ = State::kWriting;
  fatal_ = fatal;
  const bool close = fatal || !keep_alive_ || stop_requested_ || context_->stopping.load();

  response_ = {};
  response_.version(version_);
  response_.result(api.status);
  response_.set(http::field::server, std::string("quarry/") + kVersion);
  response_.set(http::field::content_type, api.content_type);
  response_.set("X-Request-ID", request_id_);
  for (auto& [field, value] : api.headers) response_.set(field, value);
  for (auto& [name, value] : api.extension_headers) response_.set(name, value);
  char elapsed[32];
  std::snprintf(elapsed, sizeof(elapsed), "%.3fms", request_clock_.ElapsedMillis());
  response_.set("X-Response-Time", elapsed);
  response_.keep_alive(!close);
  response_.body() = std::move(api.body);
  response_.prepare_payload();
  if (head_) {
    // The header describes the body a GET would get; none follows.
    const size_t length = response_.body().size();
    response_.body().clear();
    response_.content_length(length);
  }

  if (static_cast<unsigned>(api.status) >= 500) {
    json::object fields;
    fields["request_id"] = request_id_;
    fields["status"] = static_cast<unsigned>(api.status);
    fields["route"] = route_name_;
    fields["response"] = response_.body();
    context_->log.Event(spdlog::level::err, "request failed", fields);
  }

  stream_.expires_after(context_->options.read_timeout);
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this(), close));
}

void HttpSession::OnWrite(bool close, beast::error_code ec, size_t bytes) {
  AccessRecord record;
  record.request_id = request_id_;
  record.method = method_;
  record.path = path_;
  record.route = route_name_;
  record.status = response_.result_int();
  record.duration_ms = request_clock_.ElapsedMillis();
  record.bytes_in = bytes_in_;
  record.bytes_out = bytes;
  context_->log.Access(record);

  if (ec) {
    Close();
    return;
  }
  if (!close) {
    ReadHeader();  // a pipelined request may already wait in buffer_
    return;
  }
  if (fatal_) {
    BeginLingeringClose();
    return;
  }
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  Close();
}

void HttpSession::BeginLingeringClose() {
  state_ = State::kLingering;
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) {
    Close();
    return;
  }
  linger_buffer_ = std::make_unique<std::array<char, 8192>>();
  stream_.expires_after(kLingerTime);  // for the whole drain, not per read
  Linger();
}

void HttpSession::Linger() {
  stream_.async_read_some(asio::buffer(*linger_buffer_),
                          [self = shared_from_this()](beast::error_code ec, size_t /*bytes*/) {
                            if (ec) {
                              self->Close();
                              return;
                            }
                            self->Linger();
                          });
}

void HttpSession::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace quarry::server
