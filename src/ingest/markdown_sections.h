// Markdown sections: a document cut at its headings, each piece knowing the
// path of headings it lies under ("Install > From source").
//
// This is a line scanner for the block structure that decides where headings
// are, not a Markdown parser: it recognizes ATX headings ("# x" .. "###### x",
// up to 3 spaces of indent, closing #s stripped), setext headings (a paragraph
// underlined with === or ---), fenced code blocks (``` or ~~~; the closing fence
// uses the same character and is at least as long; an unclosed fence runs to
// the end), and a YAML front matter block at the very start (--- ... --- or
// ...). Nothing inside a fence or the front matter is a heading. A "---" line
// after a list item, a quote or a blank line is a thematic break, not an
// underline. Inline markup in heading text is kept as written.
//
// Thread-safety: pure functions.
#ifndef QUARRY_INGEST_MARKDOWN_SECTIONS_H_
#define QUARRY_INGEST_MARKDOWN_SECTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "text/span.h"

namespace quarry::ingest {

struct Section {
  // From the first byte of the section's heading (the first paragraph line, for
  // a setext heading) to the first byte of the next heading of any level, or
  // to the end of the document. The first section, before any heading, starts
  // at 0. The heading line is part of its section.
  text::Span span;
  // The texts of the enclosing headings, outermost first, joined by " > ";
  // "" before the first heading. Headings with empty text are left out.
  std::string heading_path;
};

// The sections of `md` in order. Sections holding only white space are left
// out, so the result is empty for a blank document; the sections cover every
// non-white-space byte exactly once.
// REQUIRES: md is valid UTF-8, under 4 GiB.
std::vector<Section> SplitMarkdownSections(std::string_view md);

// The text of the first heading of `md` with a non-empty text, or "" if none.
// Stops scanning at that heading.
// REQUIRES: md is valid UTF-8.
std::string FirstMarkdownHeading(std::string_view md);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_MARKDOWN_SECTIONS_H_
