// HTML nesting: how deep the elements of an HTML text nest, estimated on the
// raw bytes before a parser builds the tree.
//
// gumbo's tree construction costs time in proportion to the depth of open
// elements for each tag (scope checks walk the stack of open elements), so
// 100,000 unclosed <div>s take minutes; and its tree is freed recursively. The
// estimate lets the extractor refuse such input before parsing. It follows the
// parts of the HTML parsing rules that decide depth: void elements; end tags
// close up to the matching open element and are ignored when none is open;
// elements whose end tag may be omitted (p, li, dt, dd, td, th, tr, option,
// the table sections) are closed by the start tags that close them; "/>"
// closes only inside <svg> and <math>; comments, doctypes and the contents of
// raw text elements (script, style, textarea, title, xmp, iframe, noembed,
// noframes; plaintext to the end) are skipped. It is an estimate, not a
// parser: it may be off for misnested formatting elements, which gumbo
// repairs in a bounded number of steps.
//
// Thread-safety: pure function.
#ifndef QUARRY_INGEST_HTML_NESTING_H_
#define QUARRY_INGEST_HTML_NESTING_H_

#include <cstdint>
#include <string_view>

namespace quarry::ingest {

// The estimated deepest element nesting of `html` (0 for text without
// elements), or limit + 1 as soon as it exceeds `limit`. Linear in html.size()
// with at most `limit` open elements kept.
uint32_t EstimateHtmlNesting(std::string_view html, uint32_t limit);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_HTML_NESTING_H_
