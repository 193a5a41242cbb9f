#include "embed/http_url.h"

#include <charconv>

namespace quarry::embed {

std::string HttpUrl::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HttpUrl> ParseHttpUrl(std::string_view url, std::string_view what) {
  const std::string w(what);
  constexpr std::string_view kHttp = "http://";
  constexpr std::string_view kHttps = "https://";
  const bool tls = url.starts_with(kHttps);
  if (!tls && !url.starts_with(kHttp)) {
    return Status::InvalidArgument(w + " must start with http:// or https://");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Status::InvalidArgument(w + " must not contain spaces or control bytes");
    }
  }
  std::string_view rest = url.substr(tls ? kHttps.size() : kHttp.size());
  const size_t path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument(w + " must not hold credentials (user:password@); keys "
                                   "come from environment variables");
  }
  HttpUrl out;
  out.tls = tls;
  out.port = tls ? 443 : 80;
  std::string_view port;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument(w + ": bad IPv6 host");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Status::InvalidArgument(w + ": bad host");
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return Status::InvalidArgument(w + " has no host");
  if (!port.empty() || authority.ends_with(":")) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return Status::InvalidArgument(w + ": the port must be 1 to 65535");
    }
    out.port = static_cast<uint16_t>(value);
  }
  path = path.substr(0, path.find('#'));  // a fragment is never sent
  out.target = path.empty() || path.front() == '?' ? "/" + std::string(path) : std::string(path);
  return out;
}

Result<HttpUrl> ParseEmbeddingsUrl(std::string_view url) {
  QUARRY_ASSIGN_OR_RETURN(HttpUrl out, ParseHttpUrl(url, "embedder.base_url"));
  std::string_view path = out.target;
  const size_t query_start = path.find('?');
  const std::string query(query_start == std::string_view::npos ? "" : path.substr(query_start));
  path = path.substr(0, query_start);
  while (path.ends_with("/")) path.remove_suffix(1);
  if (path.empty()) path = "/v1";
  std::string target(path);
  if (!path.ends_with("/embeddings")) target += "/embeddings";
  out.target = target + query;
  return out;
}

}  // namespace quarry::embed
