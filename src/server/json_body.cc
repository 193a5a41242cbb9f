#include "server/json_body.h"

#include <exception>
#include <new>
#include <string>

#include <boost/json/error.hpp>
#include <boost/json/stream_parser.hpp>

namespace quarry::server {

namespace json = boost::json;

Result<json::value> ParseJsonBody(std::string_view body, int max_depth) {
  json::parse_options options;
  options.max_depth = static_cast<std::size_t>(max_depth);
  options.allow_comments = false;
  options.allow_trailing_commas = false;
  options.allow_invalid_utf8 = false;
  try {
    json::stream_parser parser({}, options);
    json::error_code ec;
    size_t consumed = parser.write(body.data(), body.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
      if (ec == json::error::too_deep) {
        return Status::InvalidArgument("request body nests JSON deeper than " +
                                       std::to_string(max_depth) + " levels");
      }
      if (body.empty() || ec == json::error::incomplete) {
        return Status::InvalidArgument("request body is not valid JSON: unexpected end of input");
      }
      return Status::InvalidArgument("request body is not valid JSON: " + ec.message() +
                                     " at byte " + std::to_string(consumed));
    }
    return parser.release();
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory parsing the request body");
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("request body is not valid JSON: ") + e.what());
  }
}

Result<json::object> ParseJsonObjectBody(std::string_view body, int max_depth) {
  QUARRY_ASSIGN_OR_RETURN(json::value value, ParseJsonBody(body, max_depth));
  json::object* object = value.if_object();
  if (object == nullptr) {
    return Status::InvalidArgument("request body must be a JSON object, not " +
                                   std::string(JsonKindName(value)));
  }
  return std::move(*object);
}

Status CheckKnownFields(const json::object& object, std::initializer_list<std::string_view> allowed,
                        std::string_view where) {
  for (const auto& entry : object) {
    bool known = false;
    for (std::string_view name : allowed) known = known || entry.key() == name;
    if (known) continue;
    std::string message = "unknown field '";
    message += where;
    message += entry.key();
    message += "' (expected one of:";
    for (std::string_view name : allowed) {
      message += ' ';
      message += name;
    }
    message += ')';
    return Status::InvalidArgument(std::move(message));
  }
  return Status::Ok();
}

std::string_view JsonKindName(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "unknown";
}

}  // namespace quarry::server
