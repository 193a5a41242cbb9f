// HTML extraction: the visible text of an HTML page, its title and its
// sections, parsed with gumbo (an HTML5-conforming parser, so malformed markup
// is repaired the way browsers repair it and entities are decoded).
//
// Rules (docs/design/extraction.md has the reasons):
//  - Text is what a reader sees: nothing from <head> (the <title> becomes the
//    title), <script>, <style>, <noscript>, <template> or comments. With
//    HtmlOptions::image_alt_text, an image's alt text is text.
//  - White space collapses to one space as browsers render it, except inside
//    <pre>, <listing> and <textarea>, which keep their line breaks. Block elements
//    (p, div, li, tr, headings, ...) end a line; paragraph-like ones (p,
//    headings, lists, tables, blockquote, pre, ...) leave a blank line. Table
//    cells are separated by a space.
//  - Each h1-h6 with text starts a section whose heading path is the text of
//    the enclosing headings by level ("Guide > Install"). Text before the first
//    heading is a section with an empty path.
//  - The title is <title>'s text, else the first h1's, else "".
// Input bytes are decoded as ingest/text_decode.h does: a BOM first, else the
// encoding a <meta charset> in the first 1024 bytes declares
// (ingest/html_charset.h: UTF-8 and windows-1252/Latin-1), else UTF-8.
//
// Thread-safety: pure function.
#ifndef QUARRY_INGEST_HTML_EXTRACT_H_
#define QUARRY_INGEST_HTML_EXTRACT_H_

#include <string_view>

#include "ingest/extractor.h"
#include "quarry/status.h"

namespace quarry::ingest {

// Fails with ResourceExhausted, naming the limit, for input over
// options.max_input_bytes, elements nested deeper than options.max_depth
// (estimated before parsing, ingest/html_nesting.h), or extracted text over
// options.max_text_chars. media_type of the result is kMediaTypeHtml.
Result<ExtractedDocument> ExtractHtml(std::string_view bytes, const HtmlOptions& options);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_HTML_EXTRACT_H_
