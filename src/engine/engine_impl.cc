#include "engine/engine_impl.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace quarry {

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  return engine::EngineImpl::Open(options);
}

namespace engine {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTmpPrefix = ".tmp-";
constexpr std::string_view kTrashPrefix = ".trash-";

Status FsError(std::string_view what, const std::string& path, const std::error_code& ec) {
  std::string message = std::string(what) + " '" + path + "': " + ec.message();
  if (ec == std::errc::no_space_on_device) return Status::ResourceExhausted(message);
  return Status::IOError(message);
}

}  // namespace

Result<std::unique_ptr<Engine>> EngineImpl::Open(const EngineOptions& options) {
  if (options.data_dir.empty()) return Status::InvalidArgument("data directory must be set");
  std::error_code ec;
  const std::string collections_dir = options.data_dir + "/collections";
  fs::create_directories(collections_dir, ec);
  if (ec) return FsError("cannot create data directory", collections_dir, ec);
  QUARRY_ASSIGN_OR_RETURN(storage::DirectoryLock lock,
                          storage::DirectoryLock::Acquire(options.data_dir));
  std::unique_ptr<EngineImpl> engine(new EngineImpl(collections_dir, std::move(lock)));

  std::vector<std::string> names;
  for (fs::directory_iterator it(collections_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(kTmpPrefix) || name.starts_with(kTrashPrefix)) {
      // An interrupted create or drop: never acknowledged, or already dropped.
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
      continue;
    }
    if (!it->is_directory(ec)) continue;
    names.push_back(name);
  }
  if (ec) return FsError("cannot list", collections_dir, ec);
  for (const std::string& name : names) {
    if (!ValidateCollectionName(name).ok()) continue;  // not ours; leave it alone
    Result<std::shared_ptr<CollectionImpl>> c =
        CollectionImpl::Load(name, collections_dir + "/" + name);
    if (!c.ok()) return c.status().WithContext("cannot load collection '" + name + "'");
    engine->collections_[name] = std::move(c).value();
  }
  return std::unique_ptr<Engine>(std::move(engine));
}

Result<std::shared_ptr<Collection>> EngineImpl::CreateCollection(const std::string& name,
                                                                 const CollectionConfig& config) {
  QUARRY_RETURN_IF_ERROR(ValidateCollectionName(name));
  QUARRY_RETURN_IF_ERROR(ValidateCollectionConfig(config));
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (collections_.count(name) != 0) {
    return Status::AlreadyExists("collection '" + name + "' already exists");
  }
  const std::string tmp_dir = collections_dir_ + "/" + std::string(kTmpPrefix) + name;
  const std::string final_dir = collections_dir_ + "/" + name;
  std::error_code ec;
  fs::remove_all(tmp_dir, ec);
  fs::create_directory(tmp_dir, ec);
  if (ec) return FsError("cannot create", tmp_dir, ec);
  Result<std::shared_ptr<CollectionImpl>> made = CollectionImpl::Create(name, tmp_dir, config);
  if (!made.ok()) {
    fs::remove_all(tmp_dir, ec);
    return made.status();
  }
  made->reset();  // reopen from its final place below, so it writes there
  fs::rename(tmp_dir, final_dir, ec);
  if (ec) {
    Status s = FsError("cannot create collection directory", final_dir, ec);
    fs::remove_all(tmp_dir, ec);
    return s;
  }
  QUARRY_RETURN_IF_ERROR(storage::SyncDirectory(collections_dir_));
  QUARRY_ASSIGN_OR_RETURN(std::shared_ptr<CollectionImpl> c, CollectionImpl::Load(name, final_dir));
  collections_[name] = c;
  return std::shared_ptr<Collection>(c);
}

Result<std::shared_ptr<Collection>> EngineImpl::GetCollection(const std::string& name) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = collections_.find(name);
  if (it == collections_.end()) return Status::NotFound("collection '" + name + "' does not exist");
  return std::shared_ptr<Collection>(it->second);
}

std::vector<CollectionInfo> EngineImpl::ListCollections() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<CollectionInfo> out;
  out.reserve(collections_.size());
  for (const auto& [name, c] : collections_) out.push_back(c->Info());
  return out;
}

Status EngineImpl::DropCollection(const std::string& name) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto it = collections_.find(name);
  if (it == collections_.end()) return Status::NotFound("collection '" + name + "' does not exist");
  std::shared_ptr<CollectionImpl> c = it->second;
  c->MarkDropped();  // waits for an in-flight write, then refuses new ones
  const std::string trash = collections_dir_ + "/" + std::string(kTrashPrefix) + name + "-" +
                            std::to_string(++trash_counter_);
  std::error_code ec;
  fs::rename(c->dir(), trash, ec);
  if (ec) return FsError("cannot remove collection directory", c->dir(), ec);
  collections_.erase(it);
  QUARRY_RETURN_IF_ERROR(storage::SyncDirectory(collections_dir_));
  fs::remove_all(trash, ec);  // a leftover is removed at the next open
  return Status::Ok();
}

}  // namespace engine
}  // namespace quarry
