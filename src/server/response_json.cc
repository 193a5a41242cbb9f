#include "server/response_json.h"

#include <cmath>

#include <boost/json/array.hpp>

#include "server/json_body.h"
#include "server/server_options.h"

namespace quarry::server {

namespace json = boost::json;

namespace {

// A stored JSON text as a value. The engine stores what the server validated
// as an object; anything else (written by an older tool) is passed as a string
// rather than dropped.
json::value StoredJson(const std::string& text) {
  Result<json::value> parsed = ParseJsonBody(text, kMaxJsonDepth);
  if (parsed.ok()) return std::move(parsed).value();
  return json::value(text);
}

// Milliseconds rounded to microseconds: finer digits are noise.
double RoundMillis(double ms) { return std::round(ms * 1000.0) / 1000.0; }

}  // namespace

json::object CollectionInfoToJson(const CollectionInfo& info) {
  json::object embedder;
  embedder["type"] = EmbedderKindName(info.config.embedder.kind);
  embedder["dimensions"] = info.embedder_dimensions;
  embedder["fingerprint"] = info.embedder_fingerprint;
  // The web page tells the user when search only matches words.
  embedder["semantic"] = info.embedder_semantic;

  json::object out;
  out["name"] = info.name;
  out["documents"] = info.documents;
  out["chunks"] = info.chunks;
  out["generation"] = info.generation;
  out["state_digest"] = info.state_digest;  // what caches key on (docs/design/cache.md)
  out["sealed_segments"] = info.sealed_segments;
  out["merges"] = info.merges;
  out["merged_rows"] = info.merged_rows;
  out["merge_seeded_rows"] = info.merge_seeded_rows;
  out["embedder"] = std::move(embedder);
  out["config"] = StoredJson(CollectionConfigToJson(info.config));
  return out;
}

json::object DocumentInfoToJson(const DocumentInfo& info) {
  json::object out;
  out["id"] = info.id;
  out["title"] = info.title;
  out["source"] = info.source;
  out["media_type"] = info.media_type;
  out["metadata"] =
      info.metadata_json.empty() ? json::value(json::object()) : StoredJson(info.metadata_json);
  out["content_hash"] = info.content_hash;
  out["chunk_count"] = info.chunk_count;
  out["text_bytes"] = info.text_bytes;
  if (!info.pages.empty()) {
    json::array pages;
    for (uint32_t p : info.pages) pages.push_back(p);
    out["pages"] = std::move(pages);
  }
  return out;
}

namespace {

json::value RetrieverToJson(const std::optional<RetrieverExplanation>& r) {
  if (!r) return nullptr;
  json::object out;
  out["rank"] = r->rank;
  out["score"] = r->score;
  out["normalized"] = r->normalized;
  out["contribution"] = r->contribution;
  out["share"] = r->share;
  return out;
}

}  // namespace

json::object SearchResponseToJson(std::string_view collection, const SearchResponse& response,
                                  double took_ms) {
  json::array hits;
  hits.reserve(response.hits.size());
  for (const SearchHit& hit : response.hits) {
    json::object h;
    h["document_id"] = hit.document_id;
    h["chunk"] = hit.chunk;
    h["score"] = hit.score;
    h["title"] = hit.title;
    h["heading"] = hit.heading;
    if (hit.page != 0) h["page"] = hit.page;  // absent when the format has no pages
    h["text"] = hit.text;
    h["start"] = hit.start;
    h["end"] = hit.end;
    h["importance"] = hit.importance;  // docs/design/chunk-scores.md
    h["semantic_density"] = hit.semantic_density;
    if (!hit.snippet.empty()) h["snippet"] = hit.snippet;
    if (hit.matching_chunks != 0) h["matching_chunks"] = hit.matching_chunks;
    if (hit.explanation) {
      json::object explain;
      explain["keyword"] = RetrieverToJson(hit.explanation->keyword);
      explain["vector"] = RetrieverToJson(hit.explanation->vector);
      h["explain"] = std::move(explain);
    }
    hits.push_back(std::move(h));
  }
  json::object timing;
  timing["embed_ms"] = RoundMillis(response.embed_ms);
  timing["keyword_ms"] = RoundMillis(response.keyword_ms);
  timing["vector_ms"] = RoundMillis(response.vector_ms);
  timing["filter_ms"] = RoundMillis(response.filter_ms);
  timing["fusion_ms"] = RoundMillis(response.fusion_ms);
  timing["fetch_ms"] = RoundMillis(response.fetch_ms);
  timing["search_ms"] = RoundMillis(response.search_ms);

  json::object out;
  out["collection"] = collection;
  out["mode"] = SearchModeName(response.mode);
  out["generation"] = response.generation;
  out["took_ms"] = RoundMillis(took_ms);
  out["timing"] = std::move(timing);
  out["hits"] = std::move(hits);
  return out;
}

}  // namespace quarry::server
