// The server's log: one JSON object per line on stderr, so that access lines
// and events can be parsed by machines. Every value, above all the
// client-controlled path, is escaped by the JSON serializer: a request cannot
// forge or split log lines.
//
// Thread-safety: ServerLog may be used from many threads at once (spdlog's
// _mt sink serializes writes). The Format functions are pure.
#ifndef QUARRY_SERVER_SERVER_LOG_H_
#define QUARRY_SERVER_SERVER_LOG_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/common.h>
#include <boost/json/object.hpp>

namespace spdlog {
class logger;
}

namespace quarry::server {

struct AccessRecord {
  std::string_view request_id;
  std::string_view method;
  std::string_view path;   // the request target without its query string
  std::string_view route;  // the handler's name, empty if none matched
  unsigned status = 0;
  double duration_ms = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
};

// {"ts":..,"level":"info","msg":"access","request_id":..,"method":..,"path":..,
//  "route":..,"status":..,"duration_ms":..,"bytes_in":..,"bytes_out":..}
std::string FormatAccessLine(const AccessRecord& record, std::chrono::system_clock::time_point now);

// {"ts":..,"level":..,"msg":..} followed by `fields`.
std::string FormatEventLine(spdlog::level::level_enum level, std::string_view msg,
                            const boost::json::object& fields,
                            std::chrono::system_clock::time_point now);

// Text that is valid UTF-8: `s` itself, or `s` with every byte of an invalid
// sequence written as "\xNN".
std::string ToLoggableText(std::string_view s);

class ServerLog {
 public:
  ServerLog();  // to stderr
  explicit ServerLog(std::shared_ptr<spdlog::logger> logger);
  ~ServerLog();

  void Access(const AccessRecord& record);
  void Event(spdlog::level::level_enum level, std::string_view msg,
             const boost::json::object& fields = {});

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace quarry::server

#endif  // QUARRY_SERVER_SERVER_LOG_H_
