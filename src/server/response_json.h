// The JSON form of engine values in API answers.
//
// Thread-safety: pure functions.
#ifndef QUARRY_SERVER_RESPONSE_JSON_H_
#define QUARRY_SERVER_RESPONSE_JSON_H_

#include <string_view>

#include <boost/json/object.hpp>

#include "quarry/document.h"
#include "quarry/engine.h"
#include "quarry/search.h"

namespace quarry::server {

// {name, documents, chunks, generation,
//  embedder: {type, dimensions, fingerprint, semantic}, config: {...}}
boost::json::object CollectionInfoToJson(const CollectionInfo& info);

// {id, title, source, media_type, metadata: {...}, content_hash, chunk_count, text_bytes}
boost::json::object DocumentInfoToJson(const DocumentInfo& info);

// {collection, generation, took_ms, timing: {embed_ms, search_ms},
//  hits: [{document_id, chunk, score, title, heading, text, start, end}]}
boost::json::object SearchResponseToJson(std::string_view collection,
                                         const SearchResponse& response, double took_ms);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_RESPONSE_JSON_H_
