// Parsing of JSON request bodies with limits, and the checks every API body
// shares (object shape, unknown fields), all reported as Status.
//
// Boost.JSON may throw (allocation failure, oversized strings); every
// exception is caught here, where it enters our code.
//
// Thread-safety: pure functions.
#ifndef QUARRY_SERVER_JSON_BODY_H_
#define QUARRY_SERVER_JSON_BODY_H_

#include <initializer_list>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "quarry/status.h"

namespace quarry::server {

// Parses `body` as one JSON value nested at most `max_depth` deep. Strings
// must be valid UTF-8; comments and trailing commas are refused.
// Fails with kInvalidArgument naming the byte offset of the first error.
Result<boost::json::value> ParseJsonBody(std::string_view body, int max_depth);

// Parses `body` and requires a JSON object at the top.
Result<boost::json::object> ParseJsonObjectBody(std::string_view body, int max_depth);

// Fails with kInvalidArgument if `object` has a key outside `allowed`, so a
// misspelt field is reported instead of silently ignored. `where` prefixes the
// field name in the message ("documents[3]."), empty at the top level.
Status CheckKnownFields(const boost::json::object& object,
                        std::initializer_list<std::string_view> allowed, std::string_view where);

// The JSON type name of a value ("string", "object", ...) for error messages.
std::string_view JsonKindName(const boost::json::value& value);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_JSON_BODY_H_
