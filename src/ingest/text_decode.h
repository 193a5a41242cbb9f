// Turning the bytes of a text file into valid UTF-8.
//
// A byte order mark decides the encoding: UTF-8 (the BOM is dropped), UTF-16LE
// or UTF-16BE (converted). Without one, the bytes are taken in the encoding
// the caller assumes: UTF-8 by default, repaired with text::SanitizeUtf8, so
// a Latin-1 or broken file is indexed with U+FFFD in place of the bad bytes
// rather than rejected; or one a document declares (HTML's <meta charset>,
// ingest/html_charset.h), of those named by EncodingFromLabel. Guessing a
// legacy encoding from the bytes alone is not attempted.
//
// Thread-safety: pure functions.
#ifndef QUARRY_INGEST_TEXT_DECODE_H_
#define QUARRY_INGEST_TEXT_DECODE_H_

#include <optional>
#include <string>
#include <string_view>

namespace quarry::ingest {

// The encodings Quarry decodes. windows-1252 stands for ISO-8859-1 (Latin-1)
// too, as in browsers: it is a superset in every printable position.
enum class TextEncoding { kUtf8, kUtf16Le, kUtf16Be, kWindows1252 };

// The encoding a label names, by the WHATWG Encoding Standard's labels
// ("utf-8", "latin1", "ISO-8859-1", "cp1252", "us-ascii", "utf-16le", ...;
// ASCII case and surrounding white space ignored), or nullopt for a label
// naming another encoding or none.
std::optional<TextEncoding> EncodingFromLabel(std::string_view label);

// Valid UTF-8 for any input, without a BOM and without NUL characters (as
// text::SanitizeUtf8: NULs become spaces, invalid sequences and unpaired
// surrogates become U+FFFD). A BOM wins over `assumed`.
std::string DecodeTextBytes(std::string_view bytes, TextEncoding assumed = TextEncoding::kUtf8);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_TEXT_DECODE_H_
