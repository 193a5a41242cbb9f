#include "embed/http_url.h"

#include <charconv>

namespace quarry::embed {

std::string HttpUrl::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HttpUrl> ParseEmbeddingsUrl(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  if (url.starts_with("https://")) {
    return Status::NotSupported(
        "embedder.base_url: https:// is not supported yet; use http:// (a local service, or a "
        "TLS-terminating proxy on the same host)");
  }
  if (!url.starts_with(kHttp)) {
    return Status::InvalidArgument("embedder.base_url must start with http://");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Status::InvalidArgument("embedder.base_url must not contain spaces or control bytes");
    }
  }
  std::string_view rest = url.substr(kHttp.size());
  const size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument(
        "embedder.base_url must not hold credentials; name a variable in api_key_env instead");
  }
  HttpUrl out;
  std::string_view port;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("embedder.base_url: bad IPv6 host");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Status::InvalidArgument("embedder.base_url: bad host");
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return Status::InvalidArgument("embedder.base_url has no host");
  if (!port.empty() || authority.ends_with(":")) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return Status::InvalidArgument("embedder.base_url: the port must be 1 to 65535");
    }
    out.port = static_cast<uint16_t>(value);
  }
  const size_t query_start = path.find('?');
  std::string_view query = query_start == std::string_view::npos ? "" : path.substr(query_start);
  path = path.substr(0, query_start);
  while (path.ends_with("/")) path.remove_suffix(1);
  if (path.empty()) path = "/v1";
  out.target = std::string(path);
  if (!path.ends_with("/embeddings")) out.target += "/embeddings";
  out.target += query;
  return out;
}

}  // namespace quarry::embed
