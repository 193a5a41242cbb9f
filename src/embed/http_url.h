// Parsing the `base_url` of a remote embedder.
//
// http:// and https:// (TLS, verified: http_client.h) are accepted.
// The embeddings endpoint follows the OpenAI SDKs' convention: the base URL
// names the API root ("http://host:11434/v1") and requests go to its
// "/embeddings"; a URL with no path means "/v1". A URL that already ends in
// "/embeddings" is used as it is. A query string is kept ("?api-version=...").
//
// Thread-safety: pure functions.
#ifndef QUARRY_EMBED_HTTP_URL_H_
#define QUARRY_EMBED_HTTP_URL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry::embed {

struct HttpUrl {
  std::string host;  // a name, an IPv4 address, or an IPv6 address without brackets
  bool tls = false;  // https
  uint16_t port = 80;  // 443 by default for https
  std::string target;  // path and query of the embeddings endpoint, starting with '/'

  // "host:port", what fingerprints and errors show (never a path or query).
  std::string authority() const;
  // "http" or "https".
  const char* scheme() const { return tls ? "https" : "http"; }
};

// Any http[s]://host[:port][/path][?query] URL, its target being the path
// and query as given ("/" when there is none); `what` names the URL in errors
// ("--hub-url", "a redirect's Location"). InvalidArgument naming the problem
// otherwise; user info is refused.
Result<HttpUrl> ParseHttpUrl(std::string_view url, std::string_view what);

// The embeddings endpoint of a base_url (the convention above).
// InvalidArgument naming the problem for anything that is not
// http[s]://host[:port][/path][?query]. User info
// ("user:pass@") is refused: credentials belong in api_key_env.
Result<HttpUrl> ParseEmbeddingsUrl(std::string_view base_url);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_HTTP_URL_H_
