// Validation of snapshot entry paths: the guard between an archive from
// anywhere and the file system (see snapshot_archive.h).
#include <set>
#include <string>

#include "storage/snapshot_archive.h"

namespace quarry::storage {
namespace {

// NAME_MAX on Linux file systems; a longer component could not be created.
constexpr size_t kMaxComponentBytes = 255;

// The path as it may be shown in a message: control bytes escaped, long
// paths cut, so a hostile name cannot forge log lines.
std::string Printable(std::string_view path) {
  constexpr size_t kShown = 200;
  std::string out;
  for (size_t i = 0; i < path.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c < 0x20 || c == 0x7f || c == '\\' || c == '\'') {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (path.size() > kShown) out += "...";
  return out;
}

}  // namespace

Status ValidateSnapshotPath(std::string_view path, const SnapshotLimits& limits) {
  auto refuse = [path](std::string_view why) {
    return Status::InvalidArgument("snapshot entry path '" + Printable(path) + "' " +
                                   std::string(why));
  };
  if (path.empty()) return refuse("is empty");
  if (path.size() > limits.max_path_bytes) {
    return Status::ResourceExhausted("snapshot entry path '" + Printable(path) + "' is " +
                                     std::to_string(path.size()) + " bytes, over the limit of " +
                                     std::to_string(limits.max_path_bytes));
  }
  if (path.front() == '/') return refuse("is absolute");
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\') return refuse("contains a backslash");
    if (c < 0x20 || c == 0x7f) return refuse("contains a control character");
  }
  uint32_t depth = 0;
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(begin, end - begin);
    if (part.empty()) return refuse("has an empty component");
    if (part == "." || part == "..") return refuse("has a '.' or '..' component");
    if (part.size() > kMaxComponentBytes) return refuse("has a component over 255 bytes");
    if (++depth > limits.max_path_depth) {
      return Status::ResourceExhausted("snapshot entry path '" + Printable(path) +
                                       "' is deeper than the limit of " +
                                       std::to_string(limits.max_path_depth));
    }
    begin = end + 1;
  }
  return Status::Ok();
}

Status ValidateSnapshotPaths(const std::vector<std::string>& paths, const SnapshotLimits& limits) {
  std::set<std::string_view> files;
  std::set<std::string_view> dirs;
  for (const std::string& path : paths) {
    QUARRY_RETURN_IF_ERROR(ValidateSnapshotPath(path, limits));
    if (!files.insert(path).second) {
      return Status::InvalidArgument("snapshot entry path '" + Printable(path) + "' appears twice");
    }
    for (size_t slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      dirs.insert(std::string_view(path).substr(0, slash));
    }
  }
  for (std::string_view dir : dirs) {
    if (files.contains(dir)) {
      return Status::InvalidArgument("snapshot entry path '" + Printable(dir) +
                                     "' is both a file and a directory");
    }
  }
  return Status::Ok();
}

}  // namespace quarry::storage
