#include "server/multipart.h"

#include "server/mime_params.h"

namespace quarry::server {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr size_t kMaxBoundaryChars = 70;  // RFC 2046 5.1.1

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// RFC 2046 bchars.
bool IsBoundaryChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Status PartError(size_t number, const std::string& what) {
  return Status::InvalidArgument("multipart part " + std::to_string(number) + ": " + what);
}

// What follows "--" boundary at `pos`: kClose for "--", kPart for optional
// spaces then CRLF (*next is after the CRLF), kNone if the boundary is only
// the start of a longer line (content), kTruncated at the end of the body.
enum class Delimiter { kPart, kClose, kNone, kTruncated };

Delimiter ClassifyDelimiter(std::string_view body, size_t pos, size_t* next) {
  if (body.substr(pos, 2) == "--") return Delimiter::kClose;
  size_t i = pos;
  while (i < body.size() && IsSpace(body[i])) ++i;
  if (i == body.size() || (body[i] == '\r' && i + 1 == body.size())) return Delimiter::kTruncated;
  if (body.substr(i, 2) == kCrlf) {
    *next = i + 2;
    return Delimiter::kPart;
  }
  return Delimiter::kNone;
}

// The header block of a part, which starts at `start` (after its delimiter
// line) and ends with an empty line; *content is where the content starts.
Status ParsePartHeaders(std::string_view body, size_t start, size_t number,
                        const MultipartLimits& limits, MultipartPart* part, size_t* content) {
  // The block is empty when the part starts with CRLF right away. Otherwise
  // it ends with CRLF CRLF within max_part_header_bytes (+2: the empty line).
  const bool empty = body.substr(start, 2) == kCrlf;
  size_t block_end = start;
  if (!empty) {
    const std::string_view window = body.substr(start, limits.max_part_header_bytes + 2);
    const size_t found = window.find("\r\n\r\n");
    if (found == std::string_view::npos) {
      if (window.size() < limits.max_part_header_bytes + 2) {
        return PartError(number, "headers are not ended by an empty line (truncated body?)");
      }
      return Status::ResourceExhausted("multipart part " + std::to_string(number) +
                                       ": headers are longer than " +
                                       std::to_string(limits.max_part_header_bytes) + " bytes");
    }
    block_end = start + found;
  }
  *content = block_end + (empty ? 2 : 4);
  bool has_disposition = false;
  std::string_view block = body.substr(start, empty ? 0 : block_end - start);
  while (!block.empty()) {
    const size_t eol = block.find(kCrlf);
    const std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos) {
      return PartError(number, "header line with a bare CR or LF");
    }
    if (line.empty() || IsSpace(line.front())) {
      return PartError(number, "folded or empty header line");
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return PartError(number, "header line without a name and ':'");
    }
    const std::string_view name = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    if (EqualsNoCase(name, "content-disposition")) {
      if (has_disposition) return PartError(number, "Content-Disposition is repeated");
      has_disposition = true;
      Result<MimeHeaderValue> disposition = ParseMimeHeaderValue(value);
      if (!disposition.ok()) return PartError(number, disposition.status().message());
      if (disposition->value != "form-data") {
        return PartError(number, "Content-Disposition is not form-data");
      }
      std::optional<std::string> field = disposition->Param("name");
      if (!field) return PartError(number, "Content-Disposition has no name");
      part->name = std::move(*field);
      part->filename = disposition->Param("filename");
      if (std::optional<std::string> extended = disposition->Param("filename*")) {
        Result<std::string> decoded = DecodeExtendedValue(*extended);
        if (!decoded.ok()) return PartError(number, "filename*: " + decoded.status().message());
        part->filename = std::move(decoded).value();
      }
    } else if (EqualsNoCase(name, "content-type")) {
      Result<MimeHeaderValue> type = ParseMimeHeaderValue(value);
      if (!type.ok()) return PartError(number, type.status().message());
      part->content_type = type->value;
    } else if (EqualsNoCase(name, "content-transfer-encoding")) {
      while (!value.empty() && IsSpace(value.front())) value.remove_prefix(1);
      while (!value.empty() && IsSpace(value.back())) value.remove_suffix(1);
      if (!EqualsNoCase(value, "binary") && !EqualsNoCase(value, "8bit") &&
          !EqualsNoCase(value, "7bit")) {
        return PartError(number, "Content-Transfer-Encoding '" + std::string(value) +
                                     "' is not supported (RFC 7578 4.7: send binary)");
      }
    }
    // Other headers are allowed and ignored (RFC 7578 4.8).
  }
  if (!has_disposition) return PartError(number, "no Content-Disposition header");
  return Status::Ok();
}

}  // namespace

bool IsMultipartFormData(std::string_view content_type) {
  Result<MimeHeaderValue> value = ParseMimeHeaderValue(content_type);
  return value.ok() && value->value == "multipart/form-data";
}

Result<std::string> MultipartBoundary(std::string_view content_type) {
  QUARRY_ASSIGN_OR_RETURN(MimeHeaderValue value, ParseMimeHeaderValue(content_type));
  if (value.value != "multipart/form-data") {
    return Status::InvalidArgument("Content-Type is " + value.value + ", not multipart/form-data");
  }
  std::optional<std::string> boundary = value.Param("boundary");
  if (!boundary) return Status::InvalidArgument("multipart/form-data without a boundary");
  if (boundary->empty() || boundary->size() > kMaxBoundaryChars || boundary->back() == ' ') {
    return Status::InvalidArgument(
        "multipart boundary must be 1 to 70 characters, not ending in a space");
  }
  for (char c : *boundary) {
    if (!IsBoundaryChar(c)) {
      return Status::InvalidArgument("multipart boundary has a character RFC 2046 does not allow");
    }
  }
  return std::move(*boundary);
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits) {
  const std::string dash_boundary = "--" + std::string(boundary);
  const std::string delimiter = "\r\n" + dash_boundary;
  // The first delimiter may begin the body (no CRLF before it, empty preamble).
  size_t pos = 0;
  if (body.substr(0, dash_boundary.size()) != dash_boundary) {
    pos = body.find(delimiter);
    if (pos == std::string_view::npos) {
      return Status::InvalidArgument("multipart body has no boundary line");
    }
    pos += 2;
  }
  pos += dash_boundary.size();
  std::vector<MultipartPart> parts;
  while (true) {
    size_t part_start = 0;
    switch (ClassifyDelimiter(body, pos, &part_start)) {
      case Delimiter::kClose:
        if (parts.empty()) return Status::InvalidArgument("multipart body has no parts");
        return parts;  // the epilogue is ignored
      case Delimiter::kTruncated:
        return Status::InvalidArgument("multipart body ends in a boundary line (truncated?)");
      case Delimiter::kNone:
        return Status::InvalidArgument("multipart boundary line is followed by other characters");
      case Delimiter::kPart:
        break;
    }
    const size_t number = parts.size() + 1;
    if (number > limits.max_parts) {
      return Status::ResourceExhausted("multipart body has more than " +
                                       std::to_string(limits.max_parts) + " parts");
    }
    MultipartPart part;
    size_t content = 0;
    QUARRY_RETURN_IF_ERROR(ParsePartHeaders(body, part_start, number, limits, &part, &content));
    // The content runs to the next CRLF "--" boundary that is a delimiter.
    size_t search = content;
    size_t end = std::string_view::npos;
    while (true) {
      const size_t found =
          search <= body.size() ? body.find(delimiter, search) : std::string_view::npos;
      if (found == std::string_view::npos) break;
      size_t ignored = 0;
      if (ClassifyDelimiter(body, found + delimiter.size(), &ignored) != Delimiter::kNone) {
        end = found;
        break;
      }
      search = found + 1;
    }
    if (end == std::string_view::npos) {
      return PartError(number, "no closing boundary (truncated body or wrong boundary)");
    }
    part.data = body.substr(content, end - content);
    parts.push_back(std::move(part));
    pos = end + delimiter.size();
  }
}

}  // namespace quarry::server
