// Parsing and validation of API request bodies into engine requests.
//
// Every limit is checked here, before any work is done, and every error
// names the offending field. These are pure functions so that they can be
// tested without sockets.
//
// Thread-safety: pure functions.
#ifndef QUARRY_SERVER_REQUEST_PARSING_H_
#define QUARRY_SERVER_REQUEST_PARSING_H_

#include <string>
#include <string_view>
#include <vector>

#include "quarry/document.h"
#include "quarry/options.h"
#include "quarry/search.h"
#include "quarry/status.h"

namespace quarry::server {

struct ParsedSearch {
  std::string collection;
  SearchRequest request;
};

// Body of POST /api/search:
//   {"query": "...", "collection"?: "...", "k"?: 10, "offset"?: 0,
//    "mode"?: "hybrid" | "keyword" | "vector" | "auto", "filter"?: {...},
//    "group_by"?: "document" | "none" | null, "fusion"?: "rrf" | "blend",
//    "rrf_k"?: 60, "alpha"?: 0.5, "candidates"?: N, "explain"?: false,
//    "highlight"?: true | {"window": 200, "pre_tag": "<mark>", "post_tag": "</mark>"},
//    "ef"?: N, "rescore"?: bool, "oversampling"?: x}
// `collection` defaults to `default_collection`. Unknown fields are refused.
// The filter is passed on as JSON text; the engine parses and checks it.
Result<ParsedSearch> ParseSearchBody(std::string_view body, std::string_view default_collection);

// Body of POST /api/collections/{name}/documents:
//   {"documents": [{"id", "text", "title"?, "source"?, "media_type"?, "metadata"?}]}
// 1 to kMaxDocumentsPerRequest documents (more: kResourceExhausted), ids
// unique within the request and at most kMaxDocumentIdBytes, media_type
// "text/plain" or "text/markdown", metadata a JSON object (stored serialized).
Result<std::vector<DocumentInput>> ParseDocumentsBody(std::string_view body);

// Body of PUT /api/collections/{name}: a collection config, or nothing (only
// whitespace) for the defaults.
Result<CollectionConfig> ParseCollectionConfigBody(std::string_view body);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_REQUEST_PARSING_H_
