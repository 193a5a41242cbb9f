// Boost.JSON at the engine's edge: parsing with limits, with every exception
// turned into a Status.
//
// Thread-safety: pure functions.
#ifndef QUARRY_ENGINE_JSON_UTIL_H_
#define QUARRY_ENGINE_JSON_UTIL_H_

#include <boost/json/value.hpp>
#include <string_view>

#include "quarry/status.h"

namespace quarry::engine {

inline constexpr unsigned kMaxJsonDepth = 64;

// Parses `text` as one JSON value (nesting at most kMaxJsonDepth).
// Errors are InvalidArgument naming `what` and the parser's reason.
Result<boost::json::value> ParseJson(std::string_view text, std::string_view what);

// Parses and requires an object; returns it re-serialized in canonical form.
Result<std::string> CanonicalJsonObject(std::string_view text, std::string_view what);

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_JSON_UTIL_H_
