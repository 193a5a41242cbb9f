#include "server/server_log.h"

#include <cmath>
#include <cstdio>
#include <ctime>

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "server/json_writer.h"
#include "server/percent_decoding.h"

namespace quarry::server {

namespace json = boost::json;

namespace {

// "2024-05-01T12:34:56.789Z"
std::string IsoTimestamp(std::chrono::system_clock::time_point now) {
  const auto since_epoch = now.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return buf;
}

json::object Header(spdlog::level::level_enum level, std::string_view msg,
                    std::chrono::system_clock::time_point now) {
  json::object line;
  line["ts"] = IsoTimestamp(now);
  const auto level_name = spdlog::level::to_string_view(level);
  line["level"] = std::string_view(level_name.data(), level_name.size());
  line["msg"] = msg;
  return line;
}

}  // namespace

std::string ToLoggableText(std::string_view s) {
  if (IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() * 2);
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out.push_back(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02X", byte);
      out += buf;
    }
  }
  return out;
}

std::string FormatAccessLine(const AccessRecord& record,
                             std::chrono::system_clock::time_point now) {
  json::object line = Header(spdlog::level::info, "access", now);
  line["request_id"] = ToLoggableText(record.request_id);
  line["method"] = ToLoggableText(record.method);
  line["path"] = ToLoggableText(record.path);
  line["route"] = record.route;
  line["status"] = record.status;
  line["duration_ms"] = std::round(record.duration_ms * 1000.0) / 1000.0;
  line["bytes_in"] = record.bytes_in;
  line["bytes_out"] = record.bytes_out;
  return WriteJson(line);
}

std::string FormatEventLine(spdlog::level::level_enum level, std::string_view msg,
                            const json::object& fields, std::chrono::system_clock::time_point now) {
  json::object line = Header(level, msg, now);
  for (const auto& field : fields) line[field.key()] = field.value();
  return WriteJson(line);
}

ServerLog::ServerLog()
    : ServerLog(std::make_shared<spdlog::logger>(
          "quarry.server", std::make_shared<spdlog::sinks::stderr_sink_mt>())) {
  // Honour the process's chosen level (`quarry serve --log-level`).
  logger_->set_level(spdlog::get_level());
}

ServerLog::ServerLog(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {
  // Lines are complete JSON objects; spdlog adds nothing around them.
  logger_->set_pattern("%v");
  logger_->set_level(spdlog::level::info);
  logger_->flush_on(spdlog::level::trace);
}

ServerLog::~ServerLog() = default;

void ServerLog::Access(const AccessRecord& record) {
  if (!logger_->should_log(spdlog::level::info)) return;
  // Passed as a plain string: the line is data, never a format string.
  const std::string line = FormatAccessLine(record, std::chrono::system_clock::now());
  logger_->log(spdlog::level::info, spdlog::string_view_t(line));
}

void ServerLog::Event(spdlog::level::level_enum level, std::string_view msg,
                      const json::object& fields) {
  if (!logger_->should_log(level)) return;
  const std::string line = FormatEventLine(level, msg, fields, std::chrono::system_clock::now());
  logger_->log(level, spdlog::string_view_t(line));
}

}  // namespace quarry::server
