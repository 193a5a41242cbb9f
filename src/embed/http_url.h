// Parsing the `base_url` of a remote embedder.
//
// Only http:// is accepted (no TLS yet: docs/design/remote-and-static-embedders.md).
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
  uint16_t port = 80;
  std::string target;  // path and query of the embeddings endpoint, starting with '/'

  // "host:port", what fingerprints and errors show (never a path or query).
  std::string authority() const;
};

// InvalidArgument naming the problem for anything that is not
// http://host[:port][/path][?query]; NotSupported for https://. User info
// ("user:pass@") is refused: credentials belong in api_key_env.
Result<HttpUrl> ParseEmbeddingsUrl(std::string_view base_url);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_HTTP_URL_H_
