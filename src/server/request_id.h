// Request ids: every response carries X-Request-ID so that a client, the
// access log and an error report can name the same request.
//
// Thread-safety: IsAcceptableRequestId is pure. A RequestIdGenerator is not
// thread-safe; each connection owns one.
#ifndef QUARRY_SERVER_REQUEST_ID_H_
#define QUARRY_SERVER_REQUEST_ID_H_

#include <random>
#include <string>
#include <string_view>

namespace quarry::server {

inline constexpr size_t kMaxRequestIdBytes = 128;

// True if a client-sent id may be echoed: 1 to 128 printable ASCII characters
// and no spaces (nothing that could split a header or a log line).
bool IsAcceptableRequestId(std::string_view id);

// Makes ids of 16 random bytes written as 32 lowercase hex digits. Ids only
// need to be unique, not secret, so a seeded PRNG is enough.
class RequestIdGenerator {
 public:
  RequestIdGenerator();
  std::string Next();

 private:
  std::mt19937_64 rng_;
};

// The id of a request: `client_id` if acceptable, otherwise a new one.
std::string ChooseRequestId(std::string_view client_id, RequestIdGenerator& generator);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_REQUEST_ID_H_
