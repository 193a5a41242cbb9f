#include "server/json_writer.h"

#include <charconv>
#include <cmath>

#include <boost/json/serialize.hpp>

namespace quarry::server {

namespace json = boost::json;

namespace {

void AppendDouble(double d, std::string* out) {
  if (!std::isfinite(d)) {
    *out += "null";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  if (ec != std::errc()) {
    *out += json::serialize(json::value(d));  // cannot happen: 32 bytes fit any double
    return;
  }
  out->append(buf, end);
}

void Append(const json::value& value, std::string* out) {
  switch (value.kind()) {
    case json::kind::double_:
      AppendDouble(value.get_double(), out);
      return;
    case json::kind::array: {
      out->push_back('[');
      bool first = true;
      for (const json::value& item : value.get_array()) {
        if (!first) out->push_back(',');
        first = false;
        Append(item, out);
      }
      out->push_back(']');
      return;
    }
    case json::kind::object: {
      out->push_back('{');
      bool first = true;
      for (const auto& entry : value.get_object()) {
        if (!first) out->push_back(',');
        first = false;
        *out += json::serialize(json::string_view(entry.key()));
        out->push_back(':');
        Append(entry.value(), out);
      }
      out->push_back('}');
      return;
    }
    default:
      *out += json::serialize(value);
      return;
  }
}

}  // namespace

std::string WriteJson(const json::value& value) {
  std::string out;
  Append(value, &out);
  return out;
}

}  // namespace quarry::server
