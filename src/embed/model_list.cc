#include "embed/model_list.h"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <system_error>

#include "base/env.h"
#include "embed/model_pull.h"
#include "embed/safetensors.h"

namespace quarry::embed {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

bool IsModelFolder(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p / "config.json", ec) || fs::is_regular_file(p / "model.safetensors", ec);
}

// config.json's hidden_size (BERT), else the width of model2vec's 'embeddings'.
uint32_t Dimensions(Env& env, const fs::path& folder) {
  Result<std::string> config = ReadFileToString(env, (folder / "config.json").string(), 1 << 20);
  if (config.ok()) {
    boost::system::error_code ec;
    json::value v = json::parse(*config, ec);
    if (!ec && v.is_object()) {
      if (const json::value* h = v.get_object().if_contains("hidden_size"); h && h->is_int64()) {
        return static_cast<uint32_t>(std::clamp<int64_t>(h->as_int64(), 0, UINT32_MAX));
      }
    }
  }
  Result<SafetensorsFile> weights = SafetensorsFile::Open((folder / "model.safetensors").string());
  if (weights.ok()) {
    if (const TensorInfo* t = weights->Find("embeddings"); t && t->shape.size() == 2) {
      return static_cast<uint32_t>(std::min<uint64_t>(t->shape[1], UINT32_MAX));
    }
  }
  return 0;
}

void ReadManifest(Env& env, const fs::path& folder, ModelEntry* entry) {
  Result<std::string> text =
      ReadFileToString(env, (folder / kModelManifestName).string(), 4 << 20);
  if (!text.ok()) return;
  entry->check = ModelCheck::kChanged;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::value* files = o ? o->if_contains("files") : nullptr;
  if (files == nullptr || !files->is_array()) return;
  if (const json::value* c = o->if_contains("commit"); c && c->is_string()) {
    entry->commit = std::string(c->get_string());
  }
  for (const json::value& f : files->get_array()) {
    const json::object* fo = f.if_object();
    const json::value* name = fo ? fo->if_contains("name") : nullptr;
    const json::value* size = fo ? fo->if_contains("size") : nullptr;
    if (!name || !size || !name->is_string() || !size->is_number()) return;
    const std::string n(name->get_string());
    if (n.find("..") != std::string::npos || n.starts_with("/")) return;
    Result<uint64_t> actual = env.FileSize((folder / n).string());
    if (!actual.ok() || *actual != size->to_number<uint64_t>()) return;
  }
  entry->check = ModelCheck::kVerified;
}

uint64_t FolderBytes(const fs::path& folder) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code e;
    if (it->is_regular_file(e)) total += it->file_size(e);
  }
  return total;
}

}  // namespace

Result<std::vector<ModelEntry>> ListModels(const std::string& models_dir) {
  std::error_code ec;
  if (!fs::is_directory(models_dir, ec)) {
    return Status::NotFound("no models directory at " + models_dir);
  }
  std::shared_ptr<Env> env = NewPosixEnv();
  std::vector<std::pair<std::string, fs::path>> found;
  for (const auto& top : fs::directory_iterator(models_dir, ec)) {
    const std::string name = top.path().filename().string();
    if (name.starts_with(".") || !top.is_directory(ec)) continue;
    if (IsModelFolder(top.path())) {
      found.emplace_back(name, top.path());
      continue;
    }
    for (const auto& sub : fs::directory_iterator(top.path(), ec)) {
      const std::string sub_name = sub.path().filename().string();
      if (sub_name.starts_with(".") || !sub.is_directory(ec)) continue;
      if (IsModelFolder(sub.path())) found.emplace_back(name + "/" + sub_name, sub.path());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<ModelEntry> out;
  for (const auto& [id, folder] : found) {
    ModelEntry e;
    e.id = id;
    e.folder = folder.string();
    e.dimensions = Dimensions(*env, folder);
    ReadManifest(*env, folder, &e);
    e.bytes = FolderBytes(folder);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace quarry::embed
