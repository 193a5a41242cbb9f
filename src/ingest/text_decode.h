// Turning the bytes of a text file into valid UTF-8.
//
// A byte order mark decides the encoding: UTF-8 (the BOM is dropped), UTF-16LE
// or UTF-16BE (converted). Without one, the bytes are taken as UTF-8 and
// repaired with text::SanitizeUtf8, so a Latin-1 or broken file is indexed
// with U+FFFD in place of the bad bytes rather than rejected. Detecting legacy
// encodings without a BOM is not attempted.
//
// Thread-safety: pure functions.
#ifndef QUARRY_INGEST_TEXT_DECODE_H_
#define QUARRY_INGEST_TEXT_DECODE_H_

#include <string>
#include <string_view>

namespace quarry::ingest {

// Valid UTF-8 for any input, without a BOM and without NUL characters (as
// text::SanitizeUtf8: NULs become spaces, invalid sequences and unpaired
// surrogates become U+FFFD).
std::string DecodeTextBytes(std::string_view bytes);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_TEXT_DECODE_H_
