// The router: matches a method and a path against a table of routes whose
// patterns may hold parameter segments ("/api/collections/{name}").
//
// It tells apart an unknown path (404) from a known path asked with the wrong
// method (405, with the methods that would work).
//
// Thread-safety: immutable after construction; Match may be called from many
// threads at once.
#ifndef QUARRY_SERVER_ROUTER_H_
#define QUARRY_SERVER_ROUTER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ostream>  // Boost 1.81 beast/http headers use std::ostream without including it

#include <boost/beast/http/verb.hpp>

#include "server/handler.h"

namespace quarry::server {

struct Route {
  boost::beast::http::verb method;
  std::string_view pattern;  // "/", "/api/collections/{name}/documents/{id}"
  Handler handler;
  std::string_view name;  // "put_collection": the handler's name in logs
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;  // set when kFound
  // Parameter values as they appear in the path, still percent-encoded.
  std::vector<std::pair<std::string_view, std::string_view>> raw_params;
  std::string allow;  // "GET, DELETE" when kMethodNotAllowed
};

class Router {
 public:
  // REQUIRES: patterns start with '/', and no two routes share a method and a
  // pattern.
  explicit Router(std::vector<Route> routes);

  // `path` is the request target without its query string. A parameter
  // matches one non-empty segment. The returned views point into `path` and
  // into the route table.
  RouteMatch Match(boost::beast::http::verb method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    const Route* route;
    std::vector<std::string_view> segments;  // "{name}" for a parameter
  };

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

// Splits "/a/b/c" into {"a", "b", "c"}; "/" gives {""}.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_ROUTER_H_
