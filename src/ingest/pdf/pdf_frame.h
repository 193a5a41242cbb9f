// The frame in which the PDF helper process sends its result to the parent
// over a pipe: a PdfText or an error Status, length-prefixed and checksummed.
//
// The helper is untrusted (it runs poppler on hostile input), so the decoder
// treats the bytes as hostile too: every length is checked against what is
// left, the CRC32C must match, text must be valid UTF-8 and within the limits,
// and trailing bytes are an error. Layout (all integers little-endian):
//
//   offset  size  field
//   0       4     magic "QPDX"
//   4       2     version (kPdfFrameVersion)
//   6       1     kind: 0 = text, 1 = error
//   7       1     reserved, 0
//   8       8     payload length N
//   16      4     CRC32C of bytes [0, 16) followed by the N payload bytes
//   20      N     payload
//
//   text payload:  u32 page count P, u32 title length, title bytes,
//                  then P times (u32 length, page bytes)
//   error payload: u8 StatusCode (not kOk), message bytes (UTF-8)
//
// The StatusCode byte is the enum's value in this build: the helper and the
// parent are always built together (a helper from another build is caught by
// the version only if the layout changed).
//
// Thread-safety: pure functions.
#ifndef QUARRY_INGEST_PDF_PDF_FRAME_H_
#define QUARRY_INGEST_PDF_PDF_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/pdf/pdf_text.h"
#include "quarry/status.h"

namespace quarry::ingest {

inline constexpr char kPdfFrameMagic[4] = {'Q', 'P', 'D', 'X'};
inline constexpr uint16_t kPdfFrameVersion = 1;
inline constexpr size_t kPdfFrameHeaderSize = 20;
// Error messages longer than this are cut (at a code point boundary).
inline constexpr size_t kPdfFrameMaxMessage = 4096;

// The largest frame a helper obeying `limits` can write: the parent stops
// reading (and kills the helper) past it.
uint64_t MaxPdfFrameSize(const PdfLimits& limits);

// Encodes the outcome of an extraction.
// REQUIRES: the strings of a PdfText are valid UTF-8 (as ExtractPdfInProcess
// returns them).
std::string EncodePdfFrame(const Result<PdfText>& outcome);

// Decodes one frame that must span all of `bytes`.
// Returns:
//  - the PdfText of a text frame that is well formed and within `limits`;
//  - the Status carried by a well-formed error frame;
//  - Internal("malformed helper output: <what>") for anything else, including
//    a text frame over the page or character limit.
Result<PdfText> DecodePdfFrame(std::string_view bytes, const PdfLimits& limits);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_FRAME_H_
