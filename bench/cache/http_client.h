// A blocking HTTP/1.1 client on one kept-alive loopback connection, for
// replaying searches against `quarry serve`.
//
// Each call blocks its thread until the answer is read, like a synchronous
// Beast client; underneath it runs Beast's asynchronous operations on a
// private io_context so that a request that gets no answer (a server stuck on
// a frozen Redis) ends after a timeout instead of hanging the benchmark.
//
// Thread-safety: one HttpClient per thread.
#ifndef QUARRY_BENCH_CACHE_HTTP_CLIENT_H_
#define QUARRY_BENCH_CACHE_HTTP_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry::bench {

struct HttpReply {
  unsigned status = 0;
  std::string body;
  std::string x_cache;       // the X-Cache header; "" when absent
  double server_ms = -1;     // X-Response-Time ("0.123ms"); -1 when absent or unreadable
  double round_trip_ms = 0;  // from just before the request is written to the answer's last byte
};

class HttpClient {
 public:
  HttpClient(uint16_t port, std::chrono::milliseconds timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the connection, connecting first if there is none
  // (the connect is not part of round_trip_ms). A transport error or a
  // timeout closes the connection; the next call opens a new one.
  Result<HttpReply> Post(std::string_view target, std::string body);
  Result<HttpReply> Get(std::string_view target);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The milliseconds of an X-Response-Time value ("0.123ms"); -1 if it is not
// a number followed by "ms".
double ParseResponseTime(std::string_view value);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_CACHE_HTTP_CLIENT_H_
