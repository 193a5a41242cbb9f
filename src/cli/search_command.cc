// `quarry search`: query a collection from the command line.
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <memory>

#include "base/stopwatch.h"
#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/open_collection.h"
#include "server/response_json.h"
#include "text/whitespace.h"

namespace quarry::cli {
namespace {

struct SearchFlags {
  std::string data = "./quarry-data";
  std::string collection = "default";
  std::string query;
  uint32_t k = 10;
  std::string mode = "hybrid";
  std::string filter;
  bool by_document = false;
  bool json = false;
};

// The chunk text on one line, cut to about `max_bytes` at a UTF-8 boundary.
std::string OneLine(const std::string& text, size_t max_bytes) {
  std::string out = text::CollapseAsciiSpaces(text);
  if (out.size() <= max_bytes) return out;
  size_t cut = max_bytes;
  while (cut < out.size() && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) ++cut;
  if (cut == out.size()) return out;
  out.resize(cut);
  if (out.back() == ' ') out.pop_back();
  return out + "...";
}

int RunSearch(const SearchFlags& flags) {
  Stopwatch clock;
  auto opened = OpenCollection(flags.data, flags.collection, nullptr);
  if (!opened.ok()) return FailWith(opened.status());
  SearchRequest request;
  request.query = flags.query;
  request.k = flags.k;
  request.mode = SearchModeFromName(flags.mode).value_or(SearchMode::kHybrid);
  request.filter_json = flags.filter;
  if (flags.by_document) request.group_by = GroupBy::kDocument;
  auto response = opened->collection->Search(request);
  if (!response.ok()) return FailWith(response.status());
  if (flags.json) {
    std::string out = boost::json::serialize(
        server::SearchResponseToJson(flags.collection, *response, clock.ElapsedMillis()));
    std::printf("%s\n", out.c_str());
    return kExitOk;
  }
  if (response->hits.empty()) std::printf("no results\n");
  int rank = 0;
  for (const SearchHit& hit : response->hits) {
    std::printf("%2d. %.4f  %s", ++rank, hit.score, hit.document_id.c_str());
    if (hit.page != 0) std::printf("  page %u", hit.page);
    if (!hit.heading.empty()) std::printf("  [%s]", hit.heading.c_str());
    std::printf("  (chunk %u, chars %u-%u, importance %.2f, density %.2f)\n    %s\n", hit.chunk,
                hit.start, hit.end, hit.importance, hit.semantic_density,
                OneLine(hit.text, 200).c_str());
  }
  std::printf("%zu hits in %.2f ms (search %.2f ms)\n", response->hits.size(), response->total_ms,
              response->search_ms);
  return kExitOk;
}

}  // namespace

CommandRunner RegisterSearch(CLI::App& app) {
  auto flags = std::make_shared<SearchFlags>();
  CLI::App* cmd = app.add_subcommand("search", "Search a collection");
  cmd->add_option("--data", flags->data, "Data directory")->capture_default_str();
  cmd->add_option("--collection", flags->collection, "Collection")->capture_default_str();
  cmd->add_option("--k", flags->k, "Number of results")
      ->check(CLI::Range(1u, kMaxK))
      ->capture_default_str();
  cmd->add_option("--mode", flags->mode, "keyword, vector or hybrid")
      ->check(CLI::IsMember({"keyword", "vector", "hybrid"}))
      ->capture_default_str();
  cmd->add_option(
      "--filter", flags->filter,
      R"(Metadata filter as JSON, e.g. '{"must": [{"key": "lang", "match": {"value": "en"}}]}')");
  cmd->add_flag("--by-document", flags->by_document, "One hit per document (its best chunk)");
  cmd->add_flag("--json", flags->json, "Print the answer as JSON (as the HTTP API does)");
  cmd->add_option("query", flags->query, "The query text")->required();
  return [flags] { return RunSearch(*flags); };
}

}  // namespace quarry::cli
