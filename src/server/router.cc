#include "server/router.h"

#include "base/check.h"

namespace quarry::server {

namespace http = boost::beast::http;

namespace {

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

const std::string& PathParams::Get(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  QUARRY_CHECK(false, "handlers only ask for parameters named in their own route pattern");
  return values_.front().second;  // unreachable
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  compiled_.reserve(routes_.size());
  for (const Route& route : routes_) {
    QUARRY_CHECK(!route.pattern.empty() && route.pattern.front() == '/',
                 "route patterns are literals in the route table, written with a leading '/'");
    compiled_.push_back({&route, SplitPath(route.pattern)});
  }
}

RouteMatch Router::Match(http::verb method, std::string_view path) const {
  RouteMatch result;
  if (path.empty() || path.front() != '/') return result;
  const std::vector<std::string_view> segments = SplitPath(path);

  for (const Compiled& compiled : compiled_) {
    if (compiled.segments.size() != segments.size()) continue;
    std::vector<std::pair<std::string_view, std::string_view>> params;
    bool matches = true;
    for (size_t i = 0; i < segments.size() && matches; ++i) {
      std::string_view want = compiled.segments[i];
      if (IsParam(want)) {
        matches = !segments[i].empty();
        params.emplace_back(want.substr(1, want.size() - 2), segments[i]);
      } else {
        matches = want == segments[i];
      }
    }
    if (!matches) continue;
    if (compiled.route->method == method) {
      result.kind = RouteMatch::Kind::kFound;
      result.route = compiled.route;
      result.raw_params = std::move(params);
      result.allow.clear();
      return result;
    }
    result.kind = RouteMatch::Kind::kMethodNotAllowed;
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += http::to_string(compiled.route->method);
  }
  return result;
}

}  // namespace quarry::server
