#include "server/upload_filename.h"

#include "quarry/document.h"
#include "text/utf8.h"

namespace quarry::server {

Result<std::string> UploadBaseName(std::string_view filename) {
  const size_t separator = filename.find_last_of("/\\");
  const std::string_view base =
      separator == std::string_view::npos ? filename : filename.substr(separator + 1);
  std::string kept;
  kept.reserve(base.size());
  for (char c : base) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) kept.push_back(c);
  }
  std::string name = text::SanitizeUtf8(kept);
  const size_t first = name.find_first_not_of(" \t");
  const size_t last = name.find_last_not_of(" \t");
  name = first == std::string::npos ? "" : name.substr(first, last - first + 1);
  if (name.empty() || name == "." || name == "..") {
    return Status::InvalidArgument("file name '" + text::SanitizeUtf8(kept) +
                                   "' has no usable base name");
  }
  if (name.size() > kMaxDocumentIdBytes) {
    return Status::InvalidArgument("file name is longer than " +
                                   std::to_string(kMaxDocumentIdBytes) + " bytes");
  }
  return name;
}

}  // namespace quarry::server
