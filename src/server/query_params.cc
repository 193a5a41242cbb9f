#include "server/query_params.h"

#include <algorithm>

#include "server/percent_decoding.h"

namespace quarry::server {
namespace {

Result<std::string> DecodeComponent(std::string_view raw) {
  std::string plus_as_space(raw);
  std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
  return PercentDecode(plus_as_space);
}

}  // namespace

Result<QueryParams> QueryParams::Parse(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (params.values_.size() == kMaxQueryParams) {
      return Status::InvalidArgument("more than " + std::to_string(kMaxQueryParams) +
                                     " query parameters");
    }
    const size_t eq = pair.find('=');
    QUARRY_ASSIGN_OR_RETURN(std::string name, DecodeComponent(pair.substr(0, eq)));
    std::string value;
    if (eq != std::string_view::npos) {
      QUARRY_ASSIGN_OR_RETURN(value, DecodeComponent(pair.substr(eq + 1)));
    }
    if (params.Get(name)) {
      return Status::InvalidArgument("query parameter '" + name + "' is given twice");
    }
    params.values_.emplace_back(std::move(name), std::move(value));
  }
  return params;
}

std::optional<std::string> QueryParams::Get(std::string_view name) const {
  for (const auto& [n, v] : values_) {
    if (n == name) return v;
  }
  return std::nullopt;
}

Result<bool> QueryParams::GetBool(std::string_view name, bool fallback) const {
  std::optional<std::string> v = Get(name);
  if (!v) return fallback;
  if (*v == "true" || *v == "1" || v->empty()) return true;
  if (*v == "false" || *v == "0") return false;
  return Status::InvalidArgument("query parameter '" + std::string(name) +
                                 "' must be true or false, got '" + *v + "'");
}

}  // namespace quarry::server
