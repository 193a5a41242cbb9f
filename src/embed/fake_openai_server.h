// Test-only: a stand-in for an OpenAI-compatible embeddings service on
// 127.0.0.1 (a free port), speaking the real protocol over HTTP/1.1 with
// keep-alive (Boost.Beast, synchronous, one thread per connection), over
// plain TCP or, given a certificate and key, TLS.
//
// POST /v1/embeddings (or, with `azure`, POST
// /openai/deployments/d/embeddings?api-version=2024-02-01) with {"model",
// "input": [...]} and the right "Authorization: Bearer <key>" (or, with
// `azure`, "api-key: <key>") gets {"object": "list", "data": [...],
// "model", "usage"}, the vector of each input being VectorFor(input). A
// Behavior makes the next requests misbehave, for the client's tests.
//
// Thread-safety: all methods may be called from the test's thread while the
// server threads run.
#ifndef QUARRY_EMBED_FAKE_OPENAI_SERVER_H_
#define QUARRY_EMBED_FAKE_OPENAI_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace quarry::embed::testing {

enum class Behavior {
  kNormal,
  kSlow,             // answer after slow_ms
  kTooManyRequests,  // 429 with Retry-After: retry_after (if not empty)
  kServerError,      // 500 {"error": {"message": "internal failure"}}
  kBadRequest,       // 400 {"error": {"message": "input is too long"}}
  kEchoAuth,         // 400 whose message repeats the Authorization header
  kMalformedJson,    // 200 with a truncated JSON body
  kWrongDimensions,  // 200, each vector one value too long
  kWrongCount,       // 200, one embedding missing
  kShuffled,         // 200, data in reverse order (indexes still right)
  kHugeValue,        // 200, a value beyond float32's range
  kHugeBody,         // 200 with a 8 MiB body
  kClose,            // close the connection without answering
};

struct FakeServerOptions {
  // PEM files; both set: serve TLS (any TLS version the library allows).
  std::string cert_file;
  std::string key_file;
  bool azure = false;  // Azure OpenAI's route and "api-key" header
};

class FakeOpenAiServer {
 public:
  FakeOpenAiServer(uint32_t dimensions, std::string key, FakeServerOptions options = {});
  ~FakeOpenAiServer();

  uint16_t port() const { return port_; }
  // `host`: what the URL names (a TLS certificate names a host).
  std::string base_url(const std::string& host = "127.0.0.1") const;

  // The next `count` requests behave so; later ones are normal again.
  void Misbehave(Behavior behavior, int count);
  void set_slow_ms(int ms) { slow_ms_ = ms; }
  void set_retry_after(std::string value);

  int requests() const { return requests_; }
  int connections() const { return connections_; }
  std::vector<size_t> batch_sizes() const;

  // The (unnormalized) vector the server gives `text`.
  static std::vector<float> VectorFor(std::string_view text, uint32_t dimensions);

 private:
  struct Impl;  // the Asio objects, kept out of this header
  class Connection;

  void AcceptLoop();
  template <class Stream>
  void Serve(Stream& stream);
  Behavior NextBehavior();

  uint32_t dimensions_;
  std::string key_;
  FakeServerOptions options_;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  std::atomic<int> slow_ms_{1000};
  mutable std::mutex mu_;
  Behavior behavior_ = Behavior::kNormal;  // guarded by mu_
  int behavior_count_ = 0;                 // guarded by mu_
  std::string retry_after_;                // guarded by mu_
  std::vector<size_t> batch_sizes_;        // guarded by mu_
  std::vector<int> open_fds_;              // guarded by mu_: to shut down at exit
  std::vector<std::thread> threads_;       // guarded by mu_
  std::thread acceptor_;
};

}  // namespace quarry::embed::testing

#endif  // QUARRY_EMBED_FAKE_OPENAI_SERVER_H_
