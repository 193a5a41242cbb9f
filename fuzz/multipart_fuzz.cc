// Fuzzes the multipart/form-data upload parser: the input's first line is the
// Content-Type header, the rest the body. Any bytes must give parts or a
// clear error, never a crash, a hang or a view outside the body; the same
// bytes are also split with a fixed boundary, to reach the framing sooner.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/multipart.h"
#include "server/upload_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view content_type = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  quarry::server::MultipartLimits limits;
  limits.max_parts = 64;
  limits.max_part_header_bytes = 512;
  auto upload = quarry::server::ParseUpload(std::string(body), content_type, limits);
  if (upload.ok()) {
    const std::string& owned = *upload->body;
    for (const auto& file : upload->files) {
      // Every part lies inside the body it came from.
      if (file.data.data() < owned.data() ||
          file.data.data() + file.data.size() > owned.data() + owned.size()) {
        __builtin_trap();
      }
    }
  }
  auto parts = quarry::server::ParseMultipart(input, "b", limits);
  if (parts.ok() && parts->empty()) __builtin_trap();  // success means at least one part
  return 0;
}
