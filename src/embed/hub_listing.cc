#include "embed/hub_listing.h"

#include <array>
#include <boost/json.hpp>
#include <unordered_set>

namespace quarry::embed {
namespace {

namespace json = boost::json;

constexpr uint64_t kMaxSize = uint64_t{1} << 50;  // exact in a JSON double too

bool IsLowerHex(std::string_view s, size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<uint64_t> ReadSize(const json::value& v, const std::string& what) {
  if (v.is_uint64() && v.as_uint64() <= kMaxSize) return v.as_uint64();
  if (v.is_int64() && v.as_int64() >= 0 && static_cast<uint64_t>(v.as_int64()) <= kMaxSize) {
    return static_cast<uint64_t>(v.as_int64());
  }
  return Status::InvalidArgument(what + " is not a size");
}

Result<HubFile> ReadSibling(const json::value& v) {
  if (!v.is_object()) return Status::InvalidArgument("a sibling is not an object");
  const json::object& o = v.get_object();
  const json::value* name = o.if_contains("rfilename");
  if (name == nullptr || !name->is_string()) {
    return Status::InvalidArgument("a sibling has no rfilename");
  }
  HubFile f;
  f.name = std::string(name->get_string());
  if (Status s = CheckRepoPath(f.name); !s.ok()) {
    return Status::InvalidArgument("unsafe file name in the listing: " + s.message());
  }
  const std::string what = "'" + f.name + "'";
  if (const json::value* size = o.if_contains("size"); size != nullptr) {
    QUARRY_ASSIGN_OR_RETURN(f.size, ReadSize(*size, what + " size"));
  }
  if (const json::value* blob = o.if_contains("blobId"); blob != nullptr) {
    if (!blob->is_string() || !IsLowerHex(blob->get_string(), 40)) {
      return Status::InvalidArgument(what + " has a bad blobId");
    }
    f.blob_id = std::string(blob->get_string());
  }
  if (const json::value* lfs = o.if_contains("lfs"); lfs != nullptr && !lfs->is_null()) {
    const json::object* l = lfs->if_object();
    const json::value* sha = l ? l->if_contains("sha256") : nullptr;
    const json::value* size = l ? l->if_contains("size") : nullptr;
    if (sha == nullptr || !sha->is_string() || !IsLowerHex(sha->get_string(), 64) ||
        size == nullptr) {
      return Status::InvalidArgument(what + " has a bad lfs entry");
    }
    f.lfs_sha256 = std::string(sha->get_string());
    QUARRY_ASSIGN_OR_RETURN(f.size, ReadSize(*size, what + " lfs size"));
  }
  return f;
}

bool IsRepoPart(std::string_view part) {
  if (part.empty() || part.size() > 96 || part.front() == '.') return false;
  for (char c : part) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status CheckRepoPath(std::string_view name) {
  const std::string quoted = "'" + std::string(name.substr(0, 100)) + "'";
  if (name.empty() || name.size() > 512) return Status::InvalidArgument(quoted + " (length)");
  if (name.front() == '/') return Status::InvalidArgument(quoted + " is absolute");
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') {
      return Status::InvalidArgument(quoted + " holds a backslash or a control byte");
    }
  }
  size_t start = 0;
  while (start <= name.size()) {
    const size_t end = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return Status::InvalidArgument(quoted + " has an empty, '.' or '..' part");
    }
    start = end + 1;
  }
  return Status::Ok();
}

bool IsModelFile(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kFiles = {
      "config.json",        "tokenizer.json",          "vocab.txt",
      "tokenizer_config.json", "special_tokens_map.json", "modules.json",
      "sentence_bert_config.json", "config_sentence_transformers.json",
      "1_Pooling/config.json", "model.safetensors", "README.md", "LICENSE"};
  for (std::string_view f : kFiles) {
    if (name == f) return true;
  }
  return false;
}

bool IsRepoId(std::string_view repo) {
  const size_t slash = repo.find('/');
  return slash != std::string_view::npos && IsRepoPart(repo.substr(0, slash)) &&
         IsRepoPart(repo.substr(slash + 1));
}

Result<HubListing> ParseHubListing(std::string_view text) {
  if (text.size() > kMaxHubListingBytes) {
    return Status::InvalidArgument("the listing is larger than " +
                                   std::to_string(kMaxHubListingBytes) + " bytes");
  }
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 16;
  json::value root = json::parse(text, ec, {}, options);
  if (ec) return Status::InvalidArgument("the listing is not JSON: " + ec.message());
  const json::object* o = root.if_object();
  if (o == nullptr) return Status::InvalidArgument("the listing is not a JSON object");
  const json::value* sha = o->if_contains("sha");
  if (sha == nullptr || !sha->is_string() || !IsLowerHex(sha->get_string(), 40)) {
    return Status::InvalidArgument("the listing has no commit id ('sha')");
  }
  const json::value* siblings = o->if_contains("siblings");
  if (siblings == nullptr || !siblings->is_array()) {
    return Status::InvalidArgument("the listing has no 'siblings' array");
  }
  if (siblings->get_array().size() > kMaxHubListingFiles) {
    return Status::InvalidArgument("the listing names more than " +
                                   std::to_string(kMaxHubListingFiles) + " files");
  }
  HubListing out;
  out.commit = std::string(sha->get_string());
  std::unordered_set<std::string> names;
  for (const json::value& v : siblings->get_array()) {
    QUARRY_ASSIGN_OR_RETURN(HubFile f, ReadSibling(v));
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("'" + f.name + "' is listed twice");
    }
    out.files.push_back(std::move(f));
  }
  return out;
}

Result<std::vector<HubFile>> SelectModelFiles(const HubListing& listing,
                                              uint64_t max_file_bytes) {
  std::vector<HubFile> chosen;
  bool weights = false;
  for (const HubFile& f : listing.files) {
    if (!IsModelFile(f.name)) continue;
    if (f.size > max_file_bytes) {
      return Status::InvalidArgument("'" + f.name + "' is " + std::to_string(f.size) +
                                     " bytes, more than the limit of " +
                                     std::to_string(max_file_bytes) + " (--max-file-bytes)");
    }
    if (f.lfs_sha256.empty() && f.blob_id.empty()) {
      return Status::InvalidArgument("'" + f.name + "' has neither an lfs sha256 nor a blobId: "
                                     "it cannot be verified");
    }
    weights = weights || f.name == "model.safetensors";
    chosen.push_back(f);
  }
  if (!weights) {
    return Status::InvalidArgument(
        "the repository has no model.safetensors (other weight formats are not read)");
  }
  return chosen;
}

}  // namespace quarry::embed
