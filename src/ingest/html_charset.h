// The character encoding an HTML page declares: <meta charset="..."> or
// <meta http-equiv="Content-Type" content="text/html; charset=...">.
//
// Browsers find it by a "prescan" of the first 1024 bytes (WHATWG HTML,
// "prescan a byte stream to determine its encoding") before parsing, so do
// we: comments and other tags are skipped (a '>' inside a quoted attribute
// value does not end a tag), and the first <meta> naming an encoding we
// decode (ingest/text_decode.h) decides. As in browsers, a page declaring
// UTF-16 in a meta tag is read as UTF-8 (a page that really is UTF-16 has a
// BOM, and the BOM wins over any declaration in DecodeTextBytes).
//
// Thread-safety: pure function.
#ifndef QUARRY_INGEST_HTML_CHARSET_H_
#define QUARRY_INGEST_HTML_CHARSET_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "ingest/text_decode.h"

namespace quarry::ingest {

inline constexpr size_t kHtmlPrescanBytes = 1024;

// The encoding declared in the first kHtmlPrescanBytes of `html`, or nullopt
// if none is declared there (or only ones we do not decode).
std::optional<TextEncoding> SniffHtmlEncoding(std::string_view html);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_HTML_CHARSET_H_
