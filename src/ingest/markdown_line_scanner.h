// Markdown headings found line by line, without a parser: the YAML front
// matter skip for every document, and the heading finder for documents over
// kMaxParsedMarkdownBytes (markdown_sections.h), whose worst case in md4c
// costs too much memory.
//
// The scanner recognizes ATX headings ("# x" .. "###### x", up to 3 spaces of
// indent, closing #s stripped), setext headings (a paragraph underlined with
// === or ---), and fenced code blocks (``` or ~~~; the closing fence uses the
// same character and is at least as long; an unclosed fence runs to the end).
// Nothing inside a fence is a heading. A "---" line after a list item, a quote
// or a blank line is a thematic break, not an underline. Its limits, which
// md4c does not have: lines inside HTML blocks and comments are read as
// Markdown, headings inside list items are missed, some lazy-continuation
// cases are wrong, and heading text keeps its inline markup.
//
// Thread-safety: pure functions.
#ifndef QUARRY_INGEST_MARKDOWN_LINE_SCANNER_H_
#define QUARRY_INGEST_MARKDOWN_LINE_SCANNER_H_

#include <cstddef>
#include <string_view>

#include "ingest/markdown_heading.h"

namespace quarry::ingest {

// Offset just past a YAML front matter block opening `md` ("---" in column 0,
// up to a "---" or "..." line), or 0 if there is none (an unclosed "---" is a
// thematic break).
size_t SkipMarkdownFrontMatter(std::string_view md);

// Reports the headings of md[from..] (offsets into `md`) in order.
// REQUIRES: from <= md.size() and is at a line start.
void ScanMarkdownHeadingLines(std::string_view md, size_t from,
                              const MarkdownHeadingSink& on_heading);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_MARKDOWN_LINE_SCANNER_H_
