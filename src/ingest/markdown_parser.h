// Markdown headings found by md4c, a CommonMark parser (with GitHub's tables
// and strikethrough), so that only what a renderer shows as a heading is one:
// nothing inside code blocks (fenced or indented), HTML blocks or comments,
// link reference definitions, or lazy continuation lines.
//
// Which headings count (docs/design/chunking.md says why):
//  - Top-level headings and headings inside list items are reported.
//  - Headings inside block quotes are not: a quote is quoted material (an
//    e-mail, an excerpt), and its headings describe that, not this document;
//    HTML5's outline algorithm treated <blockquote> the same way.
// A heading's text is its inline text without markup ("## The *fast* path"
// gives "The fast path"): code spans keep their text, links and images their
// text, raw inline HTML is dropped, the entities &amp; &lt; &gt; &quot;
// &apos; &nbsp; and numeric ones are decoded (other named ones stay as
// written), and runs of white space become one space.
//
// md4c gives no offsets; its text callbacks point into the input, so a
// heading begins at the line holding its first text byte. A heading without
// text from the input ("#", "# ![](x.png)") is placed at the first line after
// the previous text that looks like an ATX heading once list item markers are
// stripped; if there is none it is left out.
//
// Cost: md4c is linear in the input, but its worst cases are costly: about
// 1 us and 60 bytes of memory per byte for a paragraph of '[', 40 bytes per
// byte for a line of nested '>' (measured with md4c 0.4.8). Callers bound the
// input (kMaxParsedMarkdownBytes in markdown_sections.h).
//
// Thread-safety: pure functions (md4c keeps its state per call).
#ifndef QUARRY_INGEST_MARKDOWN_PARSER_H_
#define QUARRY_INGEST_MARKDOWN_PARSER_H_

#include <cstddef>
#include <string_view>

#include "ingest/markdown_heading.h"

namespace quarry::ingest {

// Reports the headings of md[from..] (offsets into `md`) in order. Parsing
// starts at `from` as if the document began there (the front matter is
// skipped by the caller). Returns false if md4c failed (out of memory), in
// which case the headings reported so far stand and the rest are missing.
// REQUIRES: from <= md.size() <= UINT32_MAX.
bool ParseMarkdownHeadings(std::string_view md, size_t from, const MarkdownHeadingSink& on_heading);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_MARKDOWN_PARSER_H_
