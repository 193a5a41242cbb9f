// A strict parser of multipart/form-data bodies (RFC 7578 on RFC 2046), for
// file uploads.
//
// The whole body is in memory (the HTTP layer bounds it); parts are views into
// it, so a 100 MB file is not copied. Framing follows RFC 2046 5.1.1: the
// delimiter is CRLF "--" boundary (the CRLF belongs to the delimiter, not to
// the part before it), the first one may start the body, anything before it
// (the preamble) and after the close delimiter "--" boundary "--" (the
// epilogue) is ignored, and a delimiter may be followed by spaces or tabs
// before its CRLF. A "--" boundary followed by anything else is content, as in
// Go's mime/multipart. Bare LF line endings, a missing close delimiter, a
// part without Content-Disposition: form-data and a name, folded header lines
// and transfer encodings other than 7bit/8bit/binary are refused.
//
// File names are returned as sent (filename*, RFC 8187 UTF-8, wins over
// filename); reduce them with UploadBaseName (server/upload_filename.h) before
// using them.
//
// Thread-safety: pure functions.
#ifndef QUARRY_SERVER_MULTIPART_H_
#define QUARRY_SERVER_MULTIPART_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"

namespace quarry::server {

struct MultipartLimits {
  size_t max_parts = 1000;
  // The header block of one part (its lines and their CRLFs).
  size_t max_part_header_bytes = 8 * 1024;
};

struct MultipartPart {
  std::string name;                     // the form field
  std::optional<std::string> filename;  // set for a file part, as sent
  std::string content_type;             // lowercased, without parameters; "" if absent
  std::string_view data;                // the content, a view into the body
};

// The boundary of a `multipart/form-data; boundary=...` Content-Type (quoted
// or not; 1 to 70 characters as RFC 2046 allows). InvalidArgument for another
// media type, a missing or malformed boundary.
Result<std::string> MultipartBoundary(std::string_view content_type);

// True if `content_type` names multipart/form-data (any case, any parameters).
bool IsMultipartFormData(std::string_view content_type);

// Splits `body` into its parts. Fails with InvalidArgument naming the problem
// (and the part's 1-based number) for malformed input, ResourceExhausted for
// more than max_parts parts or a header block over max_part_header_bytes.
// REQUIRES: `body` outlives the parts' data.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_MULTIPART_H_
