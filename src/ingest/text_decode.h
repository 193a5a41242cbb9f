// Turning the bytes of a text file into valid UTF-8.
//
// A byte order mark decides the encoding: UTF-8 (the BOM is dropped), UTF-16LE
// or UTF-16BE (converted). Without one, the bytes are taken in the encoding
// the caller assumes: one a document declares (HTML's <meta charset>,
// ingest/html_charset.h), of those named by EncodingFromLabel, or else UTF-8
// with one fallback. Bytes that are not valid UTF-8 and hold not a single
// valid multi-byte UTF-8 sequence are windows-1252 (Latin-1): a legacy
// Western file, which UTF-8 repair would fill with U+FFFD in place of every
// accented letter. Bytes with at least one valid multi-byte sequence are
// UTF-8 whatever else they hold, and their invalid bytes become U+FFFD (a
// UTF-8 file with a stray byte must not turn into mojibake). No other legacy
// encoding is guessed. docs/design/extraction.md explains the rule.
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
// surrogates become U+FFFD). A BOM wins over `declared`. Without either, UTF-8
// with the windows-1252 fallback of LooksLikeLegacy8Bit; a declared UTF-8 is
// taken as UTF-8 without it.
std::string DecodeTextBytes(std::string_view bytes,
                            std::optional<TextEncoding> declared = std::nullopt);

// True when `bytes` are not valid UTF-8 and hold no valid multi-byte UTF-8
// sequence: what a single-byte legacy encoding gives and UTF-8 with a few bad
// bytes does not. False for ASCII and for empty input (valid UTF-8).
bool LooksLikeLegacy8Bit(std::string_view bytes);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_TEXT_DECODE_H_
