// What every connection of one HttpServer shares: the engine, the options,
// the route table, the log, the CPU pool and the shutdown state.
//
// Thread-safety: the fields are immutable after construction except the
// atomics and the registry, which are safe to use from any thread. The
// HttpServer that owns the context outlives every connection.
#ifndef QUARRY_SERVER_SERVER_CONTEXT_H_
#define QUARRY_SERVER_SERVER_CONTEXT_H_

#include <atomic>
#include <cstddef>
#include <functional>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "cache/cached_search.h"
#include "quarry/engine.h"
#include "server/job_registry.h"
#include "server/router.h"
#include "server/routes.h"
#include "server/server_log.h"
#include "server/server_options.h"
#include "server/session_registry.h"

namespace quarry::server {

struct ServerContext {
  ServerContext(Engine* engine_in, ServerOptions options_in, boost::asio::thread_pool* pool,
                size_t max_cpu_jobs_in)
      : engine(engine_in),
        options(std::move(options_in)),
        router(MakeApiRouter()),
        search_cache(options.cache),
        cpu_pool(pool),
        max_cpu_jobs(max_cpu_jobs_in) {
    // L2 writes are not on any answer's path: the pool runs them after it.
    search_cache.cache().SetL2WriteExecutor(
        [pool](std::function<void()> write) { boost::asio::post(*pool, std::move(write)); });
  }

  Engine* const engine;
  const ServerOptions options;
  const Router router;
  cache::CachedSearch search_cache;
  ServerLog log;
  boost::asio::thread_pool* const cpu_pool;
  // CpuWork queued or running; beyond max_cpu_jobs, new work is refused with
  // 503 rather than queued without bound (each job may hold a large body).
  std::atomic<size_t> cpu_jobs{0};
  const size_t max_cpu_jobs;
  // Set once shutdown begins: connections close after their current answer.
  std::atomic<bool> stopping{false};
  SessionRegistry sessions;
  JobRegistry jobs;
};

}  // namespace quarry::server

#endif  // QUARRY_SERVER_SERVER_CONTEXT_H_
