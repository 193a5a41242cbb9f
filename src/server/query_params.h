// The query string of a request (`?wait=true&x=1`), percent-decoded.
//
// Thread-safety: a value; build once per request.
#ifndef QUARRY_SERVER_QUERY_PARAMS_H_
#define QUARRY_SERVER_QUERY_PARAMS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quarry/status.h"

namespace quarry::server {

// At most this many parameters; a longer query string is refused.
inline constexpr size_t kMaxQueryParams = 32;

class QueryParams {
 public:
  // Parses `a=1&b=two`; '+' is a space (HTML forms). InvalidArgument on bad
  // percent escapes, on a name given twice, or past kMaxQueryParams.
  static Result<QueryParams> Parse(std::string_view query);

  // The value of `name`, if present ("" for `?name`).
  std::optional<std::string> Get(std::string_view name) const;
  // A boolean flag: absent -> `fallback`; "true"/"1"/"" -> true;
  // "false"/"0" -> false; anything else InvalidArgument naming the parameter.
  Result<bool> GetBool(std::string_view name, bool fallback) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

}  // namespace quarry::server

#endif  // QUARRY_SERVER_QUERY_PARAMS_H_
