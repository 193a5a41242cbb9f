#include "server/http_server.h"

#include <algorithm>
#include <csignal>
#include <exception>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/object.hpp>

#include "server/cache_warmer.h"
#include "server/http_session.h"
#include "server/server_context.h"

namespace quarry::server {

namespace asio = boost::asio;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::milliseconds kShutdownPoll{20};
// After a failed accept (out of file descriptors), wait before retrying
// rather than spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// Queued write requests allowed per CPU thread before answering 503.
constexpr size_t kCpuJobsPerThread = 8;

unsigned ThreadsOrDefault(unsigned requested) {
  if (requested != 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

Result<tcp::endpoint> ResolveEndpoint(const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve host '" + host +
                                   "': " + (ec ? ec.message() : std::string("no addresses")));
  }
  return results.begin()->endpoint();
}

std::string EndpointText(const tcp::endpoint& endpoint) {
  std::string host = endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace

struct HttpServer::State {
  State(Engine* engine, ServerOptions options, unsigned io_threads_in, unsigned cpu_threads)
      : io_threads(io_threads_in),
        cpu_pool(cpu_threads),
        context(engine, std::move(options), &cpu_pool, kCpuJobsPerThread * cpu_threads),
        ioc(static_cast<int>(io_threads_in)),
        strand(asio::make_strand(ioc)),
        acceptor(strand),
        signals(strand),
        shutdown_timer(strand),
        accept_timer(strand),
        warm_timer(strand) {}

  void DoAccept();
  void OnAccept(boost::system::error_code ec, tcp::socket socket);
  void WaitForSignal();
  void BeginShutdown();  // on the strand
  void PollShutdown();   // on the strand
  void RunIoThread();
  void ScheduleWarming(std::chrono::seconds delay);  // on the strand

  const unsigned io_threads;
  // Destroyed in reverse order: the io objects first, then the io_context
  // (which destroys the connections still queued in it), then the pool, then
  // the context the connections point to. ~HttpServer joins the pool first.
  asio::thread_pool cpu_pool;
  ServerContext context;
  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> strand;  // acceptor, signals, shutdown
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer shutdown_timer;
  asio::steady_timer accept_timer;
  asio::steady_timer warm_timer;

  uint16_t port = 0;
  std::string url;
  bool loopback = true;
  std::atomic<bool> run_called{false};
  std::atomic<bool> stop_requested{false};
  bool shutting_down = false;                               // on the strand
  std::chrono::steady_clock::time_point shutdown_deadline;  // on the strand
};

void HttpServer::State::DoAccept() {
  // Each connection gets its own strand, so that its handlers never run
  // concurrently even with several IO threads.
  acceptor.async_accept(
      asio::make_strand(ioc),
      asio::bind_executor(strand, [this](boost::system::error_code ec, tcp::socket socket) {
        OnAccept(ec, std::move(socket));
      }));
}

void HttpServer::State::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (shutting_down || !acceptor.is_open()) return;
  if (ec) {
    json::object fields;
    fields["error"] = ec.message();
    context.log.Event(spdlog::level::warn, "accept failed", fields);
    accept_timer.expires_after(kAcceptRetryDelay);
    accept_timer.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && !shutting_down) DoAccept();
    });
    return;
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::make_shared<HttpSession>(std::move(socket), &context)->Start();
  DoAccept();
}

void HttpServer::State::WaitForSignal() {
  signals.async_wait([this](boost::system::error_code ec, int signal_number) {
    if (ec) return;  // cancelled: shutdown is complete
    json::object fields;
    fields["signal"] = signal_number == SIGINT    ? "SIGINT"
                       : signal_number == SIGTERM ? "SIGTERM"
                                                  : "other";
    if (!shutting_down) {
      context.log.Event(spdlog::level::info, "signal received, shutting down", fields);
      stop_requested = true;
      // Listen for a second signal, which cuts the grace period short. Armed
      // before BeginShutdown, whose last step cancels it once nothing is left.
      WaitForSignal();
      BeginShutdown();
      return;
    }
    context.log.Event(spdlog::level::warn, "second signal, stopping now", fields);
    ioc.stop();
  });
}

void HttpServer::State::ScheduleWarming(std::chrono::seconds delay) {
  warm_timer.expires_after(delay);
  warm_timer.async_wait([this](boost::system::error_code ec) {
    if (ec || shutting_down) return;
    // The run itself goes to the CPU pool; the next one is scheduled when it ends.
    asio::post(cpu_pool, [this] {
      const WarmingReport report = WarmCache(context);
      if (report.candidates > 0) {
        json::object fields;
        fields["candidates"] = report.candidates;
        fields["searched"] = report.searched;
        fields["failed"] = report.failed;
        fields["from_peers"] = report.from_peers;
        fields["interrupted"] = report.interrupted;
        context.log.Event(spdlog::level::debug, "cache warmed", fields);
      }
      asio::post(strand, [this] {
        if (!shutting_down) ScheduleWarming(context.options.cache.warm_interval);
      });
    });
  });
}

void HttpServer::State::BeginShutdown() {
  if (shutting_down) return;
  shutting_down = true;
  context.stopping = true;
  boost::system::error_code ignored;
  acceptor.close(ignored);
  accept_timer.cancel();
  warm_timer.cancel();
  for (const auto& session : context.sessions.Snapshot()) session->RequestStop();
  shutdown_deadline = std::chrono::steady_clock::now() + context.options.shutdown_grace;
  PollShutdown();
}

void HttpServer::State::PollShutdown() {
  const size_t open = context.sessions.size();
  const size_t jobs = context.cpu_jobs.load();
  if (open == 0 && jobs == 0) {
    // Nothing is left to keep the io_context running: Run() returns.
    boost::system::error_code ignored;
    signals.cancel(ignored);
    return;
  }
  if (std::chrono::steady_clock::now() >= shutdown_deadline) {
    json::object fields;
    fields["open_connections"] = open;
    fields["cpu_jobs"] = jobs;
    context.log.Event(spdlog::level::warn, "shutdown grace period over, closing connections",
                      fields);
    ioc.stop();
    return;
  }
  shutdown_timer.expires_after(kShutdownPoll);
  shutdown_timer.async_wait([this](boost::system::error_code ec) {
    if (!ec) PollShutdown();
  });
}

void HttpServer::State::RunIoThread() {
  // Handlers catch what they can; this keeps one escaped exception from
  // taking the server down with it.
  while (true) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      json::object fields;
      fields["error"] = e.what();
      context.log.Event(spdlog::level::err, "unexpected exception in IO thread", fields);
    }
  }
}

Result<std::unique_ptr<HttpServer>> HttpServer::Create(Engine* engine, ServerOptions options) {
  if (engine == nullptr) return Status::InvalidArgument("HttpServer needs an engine");
  if (options.max_body_bytes == 0) return Status::InvalidArgument("max_body_bytes must be > 0");
  if (options.max_upload_bytes == 0) return Status::InvalidArgument("max_upload_bytes must be > 0");
  if (options.max_file_bytes == 0) return Status::InvalidArgument("max_file_bytes must be > 0");
  if (options.shutdown_grace.count() < 0) {
    return Status::InvalidArgument("shutdown_grace must not be negative");
  }
  if (options.read_timeout.count() <= 0) {
    return Status::InvalidArgument("read_timeout must be positive");
  }
  QUARRY_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ResolveEndpoint(options.host, options.port));

  const unsigned io_threads = ThreadsOrDefault(options.io_threads);
  const unsigned cpu_threads = ThreadsOrDefault(options.cpu_threads);
  auto state = std::make_unique<State>(engine, std::move(options), io_threads, cpu_threads);

  const std::string where = EndpointText(endpoint);
  boost::system::error_code ec;
  state->acceptor.open(endpoint.protocol(), ec);
  if (ec) return Status::InvalidArgument("cannot open a socket for " + where + ": " + ec.message());
  state->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  state->acceptor.bind(endpoint, ec);
  if (ec == asio::error::address_in_use) {
    return Status::FailedPrecondition("address " + where + " is already in use");
  }
  if (ec == asio::error::access_denied) {
    return Status::FailedPrecondition("not allowed to listen on " + where + ": " + ec.message());
  }
  if (ec) return Status::InvalidArgument("cannot listen on " + where + ": " + ec.message());
  state->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::InvalidArgument("cannot listen on " + where + ": " + ec.message());

  const tcp::endpoint bound = state->acceptor.local_endpoint(ec);
  if (ec) return Status::Internal("cannot read the bound address: " + ec.message());
  state->port = bound.port();
  state->url = "http://" + EndpointText(bound);
  state->loopback = bound.address().is_loopback();
  return std::make_unique<HttpServer>(std::move(state));
}

HttpServer::HttpServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

HttpServer::~HttpServer() {
  // Only allocation can fail here, and a destructor has nobody to tell.
  try {
    Stop();
  } catch (...) {
  }
  // Work on the pool may still post to the io_context; it must be done first.
  state_->cpu_pool.join();
}

uint16_t HttpServer::port() const { return state_->port; }

std::string HttpServer::url() const { return state_->url; }

Status HttpServer::Run() {
  State& s = *state_;
  if (s.run_called.exchange(true))
    return Status::FailedPrecondition("HttpServer::Run called twice");

  boost::system::error_code ec;
  s.signals.add(SIGINT, ec);
  if (!ec) s.signals.add(SIGTERM, ec);
  if (ec) return Status::Internal("cannot install signal handlers: " + ec.message());
  asio::post(s.strand, [&s] {
    if (s.shutting_down) return;
    s.WaitForSignal();
    s.DoAccept();
    const cache::CacheOptions& cache = s.context.options.cache;
    if (cache.enabled && cache.warm_interval.count() > 0) s.ScheduleWarming(std::chrono::seconds(0));
  });

  {
    json::object fields;
    fields["url"] = s.url;
    fields["io_threads"] = s.io_threads;
    fields["max_body_bytes"] = s.context.options.max_body_bytes;
    fields["max_upload_bytes"] = s.context.options.max_upload_bytes;
    fields["default_collection"] = s.context.options.default_collection;
    s.context.log.Event(spdlog::level::info, "serving", fields);
    if (!s.loopback) {
      // ARCHITECTURE.md: API keys become mandatory off loopback; until they
      // exist, say loudly that anyone who can reach the port can write.
      s.context.log.Event(spdlog::level::warn, "listening beyond loopback without authentication",
                          fields);
    }
  }

  std::vector<std::thread> threads;
  threads.reserve(s.io_threads - 1);
  for (unsigned i = 1; i < s.io_threads; ++i) threads.emplace_back([&s] { s.RunIoThread(); });
  s.RunIoThread();
  for (std::thread& thread : threads) thread.join();

  // Ingestion jobs are never abandoned: a write the client may have been
  // acknowledged for must finish.
  s.cpu_pool.join();
  // Restore the default signal dispositions: nothing listens any more.
  s.signals.clear(ec);
  s.context.log.Event(spdlog::level::info, "stopped");
  return Status::Ok();
}

void HttpServer::Stop() {
  if (state_->stop_requested.exchange(true)) return;
  asio::post(state_->strand, [s = state_.get()] { s->BeginShutdown(); });
}

}  // namespace quarry::server
