// Serialization of JSON answers and log lines.
//
// Boost.JSON 1.81 writes every double in exponent form ("took_ms":1.035E0).
// That is valid JSON but hard on people reading answers and logs, so this
// writer prints doubles in their shortest round-trip form (1.035) and
// delegates everything else, strings above all, to Boost.JSON's escaping.
//
// Thread-safety: pure functions.
#ifndef QUARRY_SERVER_JSON_WRITER_H_
#define QUARRY_SERVER_JSON_WRITER_H_

#include <string>

#include <boost/json/value.hpp>

namespace quarry::server {

// REQUIRES: `value` nests less deeply than the stack allows (values built by
// the server, or parsed with a depth limit). NaN and infinities become null.
std::string WriteJson(const boost::json::value& value);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_JSON_WRITER_H_
