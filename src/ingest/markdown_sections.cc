#include "ingest/markdown_sections.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "ingest/markdown_line_scanner.h"
#include "ingest/markdown_parser.h"
#include "text/whitespace.h"

namespace quarry::ingest {
namespace {

// Reports the headings of `md` after its front matter: md4c up to
// kMaxParsedMarkdownBytes, the line scanner beyond.
void FindHeadings(std::string_view md, const MarkdownHeadingSink& on_heading) {
  const size_t from = SkipMarkdownFrontMatter(md);
  // md4c fails only when out of memory; the headings it reported stand, and
  // the rest of the document stays in the last section.
  if (md.size() - from <= kMaxParsedMarkdownBytes) {
    ParseMarkdownHeadings(md, from, on_heading);
    return;
  }
  ScanMarkdownHeadingLines(md, from, on_heading);
}

std::string JoinPath(const std::vector<std::pair<int, std::string>>& stack) {
  std::string path;
  for (const auto& [level, title] : stack) {
    if (title.empty()) continue;
    if (!path.empty()) path += " > ";
    path += title;
  }
  return path;
}

}  // namespace

std::vector<Section> SplitMarkdownSections(std::string_view md) {
  std::vector<Section> sections;
  std::vector<std::pair<int, std::string>> stack;  // (level, text) of the open headings
  size_t section_begin = 0;
  std::string path;
  const auto close_section = [&](size_t end) {
    if (text::IsBlank(md.substr(section_begin, end - section_begin))) return;
    sections.push_back(Section{
        text::Span{static_cast<uint32_t>(section_begin), static_cast<uint32_t>(end)}, path});
  };
  FindHeadings(md, [&](const MarkdownHeading& heading) {
    // Both finders report in order; the max keeps the sections in order even so.
    const size_t begin = std::max(heading.begin, section_begin);
    close_section(begin);
    while (!stack.empty() && stack.back().first >= heading.level) stack.pop_back();
    stack.emplace_back(heading.level, heading.text);
    path = JoinPath(stack);
    section_begin = begin;
    return true;
  });
  close_section(md.size());
  return sections;
}

std::string FirstMarkdownHeading(std::string_view md) {
  std::string first;
  FindHeadings(md, [&](const MarkdownHeading& heading) {
    if (heading.text.empty()) return true;
    first = heading.text;
    return false;
  });
  return first;
}

}  // namespace quarry::ingest
