// A Markdown heading as the section splitter sees it (markdown_sections.h),
// and the callback through which both heading finders report them: md4c
// (markdown_parser.h) and the line scanner for documents too large for it
// (markdown_line_scanner.h).
//
// Thread-safety: plain data.
#ifndef QUARRY_INGEST_MARKDOWN_HEADING_H_
#define QUARRY_INGEST_MARKDOWN_HEADING_H_

#include <cstddef>
#include <functional>
#include <string>

namespace quarry::ingest {

struct MarkdownHeading {
  // First byte of the line the heading starts on (the paragraph's first line,
  // for a setext heading), container markers ("- ", "> ") included.
  size_t begin = 0;
  int level = 1;     // 1..6
  std::string text;  // inline text without markup, trimmed; may be ""
};

// Called for each heading in document order; returning false stops the search.
using MarkdownHeadingSink = std::function<bool(const MarkdownHeading&)>;

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_MARKDOWN_HEADING_H_
