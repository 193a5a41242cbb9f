// Fuzzes snippets (search/snippet.h): the query and the chunk text are
// untrusted (a search request and an ingested document). Input: the query,
// a NUL byte, then the text. Any bytes must give valid UTF-8 HTML, never a
// crash; and no '<' may reach the output but the highlight tags'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "search/snippet.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::optional<quarry::search::SnippetMaker> maker = [] {
    quarry::search::SnippetOptions options;
    options.window_chars = 80;
    auto created = quarry::search::SnippetMaker::Create(quarry::text::AnalyzerOptions{}, options);
    if (!created.ok()) std::abort();
    return std::optional<quarry::search::SnippetMaker>(std::move(created).value());
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string_view query = input.substr(0, split);
  const std::string_view text = split == std::string_view::npos ? "" : input.substr(split + 1);
  maker->SetQuery(query);
  const quarry::search::Snippet snippet = maker->Make(text);
  if (!quarry::text::IsValidUtf8(snippet.html)) std::abort();
  std::string stripped = snippet.html;
  for (std::string_view tag : {"<mark>", "</mark>"}) {
    for (size_t at; (at = stripped.find(tag)) != std::string::npos;) stripped.erase(at, tag.size());
  }
  if (stripped.find('<') != std::string::npos) std::abort();  // markup from the input
  return 0;
}
