// Markdown sections: a document cut at its headings, each piece knowing the
// path of headings it lies under ("Install > From source").
//
// Headings are found by md4c, a CommonMark parser (markdown_parser.h): a line
// is a heading only where a renderer shows one, so nothing inside fenced or
// indented code, HTML blocks or comments, or a lazy continuation line is a
// heading. Headings inside list items are headings; those inside block quotes
// are not (quoted material). Heading texts are inline text without markup
// ("## The *fast* path" gives "The fast path"). A YAML front matter block at
// the very start (--- ... --- or ...), which md4c does not know, is skipped
// first and belongs to the first section. Documents over
// kMaxParsedMarkdownBytes (after the front matter) go to a line scanner
// instead (markdown_line_scanner.h), which bounds md4c's memory on hostile
// input at the price of that scanner's known limits.
//
// Thread-safety: pure functions.
#ifndef QUARRY_INGEST_MARKDOWN_SECTIONS_H_
#define QUARRY_INGEST_MARKDOWN_SECTIONS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "text/span.h"

namespace quarry::ingest {

// md4c's worst case is about 60 bytes of memory and 1 us per input byte (a
// paragraph of '['): 4 MiB keeps it near 250 MB and 4 s, and is larger than
// nearly all hand-written Markdown.
inline constexpr size_t kMaxParsedMarkdownBytes = 4u << 20;

struct Section {
  // From the first byte of the line where the section's heading starts (the
  // first paragraph line, for a setext heading; a list item's marker is on
  // it) to the first byte of the next heading, or to the end of the document.
  // The first section, before any heading, starts at 0. The heading line is
  // part of its section.
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
// Stops at that heading (md4c has read the block structure of the whole
// document by then; the line scanner stops reading there).
// REQUIRES: md is valid UTF-8.
std::string FirstMarkdownHeading(std::string_view md);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_MARKDOWN_SECTIONS_H_
