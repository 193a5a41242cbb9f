// Decoding of percent-encoded path segments (RFC 3986), so that a document id
// such as "notes/a b" can travel in a URL as "notes%2Fa%20b".
//
// Thread-safety: pure functions.
#ifndef QUARRY_SERVER_PERCENT_DECODING_H_
#define QUARRY_SERVER_PERCENT_DECODING_H_

#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry::server {

// Decodes every "%XY" (two hex digits, either case) into its byte. '+' is kept
// as is: it means a space only in query strings, never in paths. The result
// must be valid UTF-8, since it ends up in JSON answers and in logs.
// Fails with kInvalidArgument on a truncated or non-hex escape ("%zz", "%4")
// and on a result that is not UTF-8.
Result<std::string> PercentDecode(std::string_view encoded);

// True if `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing
// above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_PERCENT_DECODING_H_
