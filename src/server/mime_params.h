// Header values of the form `value; name=token; name="quoted string"`, as in
// Content-Type (RFC 9110 5.6.6) and Content-Disposition (RFC 6266), and the
// extended `name*=UTF-8''percent-encoded` form (RFC 8187) for file names.
//
// Strict: a parameter without '=', an unterminated quoted string, a control
// character or a repeated parameter name is refused, since an ambiguous
// header is how smuggling between two parsers starts.
//
// Thread-safety: pure functions.
#ifndef QUARRY_SERVER_MIME_PARAMS_H_
#define QUARRY_SERVER_MIME_PARAMS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quarry/status.h"

namespace quarry::server {

struct MimeHeaderValue {
  std::string value;  // lowercased: "multipart/form-data", "form-data"
  // Names lowercased, values unquoted, in order. In a quoted string a
  // backslash escapes '"' and '\\' only; before anything else it is itself.
  std::vector<std::pair<std::string, std::string>> params;

  // The parameter's value, or nullopt if absent.
  std::optional<std::string> Param(std::string_view name) const;
};

// Parses `header`; fails with InvalidArgument naming what is wrong.
Result<MimeHeaderValue> ParseMimeHeaderValue(std::string_view header);

// Decodes an RFC 8187 extended value ("UTF-8''na%C3%AFve.md"): charset UTF-8
// (any case) only, language ignored, result valid UTF-8. InvalidArgument
// otherwise.
Result<std::string> DecodeExtendedValue(std::string_view value);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_MIME_PARAMS_H_
