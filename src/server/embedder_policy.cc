#include "server/embedder_policy.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace quarry::server {
namespace {

constexpr size_t kMaxModelNameBytes = 200;

bool IsNamePart(std::string_view part) {
  if (part.empty() || part.front() == '.') return false;
  for (char c : part) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// "name" or "owner/name".
bool IsModelName(std::string_view name) {
  if (name.size() > kMaxModelNameBytes) return false;
  const size_t slash = name.find('/');
  if (slash == std::string_view::npos) return IsNamePart(name);
  return IsNamePart(name.substr(0, slash)) && IsNamePart(name.substr(slash + 1));
}

}  // namespace

Status ApplyClientEmbedderPolicy(const std::string& models_dir, EmbedderConfig* embedder) {
  switch (embedder->kind) {
    case EmbedderKind::kLexical:
      return Status::Ok();
    case EmbedderKind::kLocal:
    case EmbedderKind::kStatic: {
      if (models_dir.empty()) {
        return Status::InvalidArgument(
            "embedder.model: this server has no models directory, so clients cannot choose a "
            "model (start it with quarry serve --models-dir DIR)");
      }
      if (!IsModelName(embedder->model)) {
        return Status::InvalidArgument(
            "embedder.model: give the name of a model in the server's models directory "
            "(\"name\" or \"owner/name\": letters, digits, '.', '_', '-', not starting with "
            "'.'), not a path");
      }
      const std::filesystem::path folder = std::filesystem::path(models_dir) / embedder->model;
      std::error_code ec;
      if (!std::filesystem::is_directory(folder, ec)) {
        return Status::NotFound("embedder.model: no model named '" + embedder->model +
                                "' in the server's models directory");
      }
      // A link in the models directory must not lead out of it.
      const std::filesystem::path root = std::filesystem::weakly_canonical(models_dir, ec);
      const std::filesystem::path real = std::filesystem::weakly_canonical(folder, ec);
      if (ec || std::mismatch(root.begin(), root.end(), real.begin(), real.end()).first != root.end()) {
        return Status::InvalidArgument("embedder.model: '" + embedder->model +
                                       "' leads out of the server's models directory");
      }
      embedder->model = folder.string();
      return Status::Ok();
    }
    case EmbedderKind::kOpenAi:
      break;  // a URL and a key the server would use: the operator's choice
  }
  return Status::InvalidArgument("embedder.type " + std::string(EmbedderKindName(embedder->kind)) +
                                 " is configured by the server's operator, not over HTTP");
}

}  // namespace quarry::server
