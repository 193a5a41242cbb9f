#include "engine/engine_impl.h"


namespace quarry {

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  return engine::EngineImpl::Open(options);
}

namespace engine {
namespace {

constexpr std::string_view kTmpPrefix = ".tmp-";
constexpr std::string_view kTrashPrefix = ".trash-";

}  // namespace

Result<std::unique_ptr<Engine>> EngineImpl::Open(const EngineOptions& options) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<EngineImpl> engine, Open(options, NewPosixEnv()));
  return std::unique_ptr<Engine>(std::move(engine));
}

Result<std::unique_ptr<EngineImpl>> EngineImpl::Open(const EngineOptions& options,
                                                     std::shared_ptr<Env> env) {
  if (options.data_dir.empty()) return Status::InvalidArgument("data directory must be set");
  Env& e = *env;
  const std::string collections_dir = options.data_dir + "/collections";
  QUARRY_RETURN_IF_ERROR(e.CreateDir(options.data_dir));
  QUARRY_RETURN_IF_ERROR(e.CreateDir(collections_dir));
  QUARRY_RETURN_IF_ERROR(e.SyncDir(options.data_dir));  // collections/ survives a power loss
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock, e.LockFile(options.data_dir + "/LOCK"));
  std::unique_ptr<EngineImpl> engine(new EngineImpl(env, collections_dir,
                                                    options.data_dir + "/snapshots",
                                                    std::move(lock), options.background_merges));

  QUARRY_ASSIGN_OR_RETURN(std::vector<std::string> entries, e.ListDir(collections_dir));
  for (const std::string& name : entries) {
    const std::string path = collections_dir + "/" + name;
    if (name.starts_with(kTmpPrefix) || name.starts_with(kTrashPrefix)) {
      // An interrupted create or drop: never acknowledged, or already dropped.
      QUARRY_RETURN_IF_ERROR(e.RemoveDirRecursively(path));
      continue;
    }
    if (!ValidateCollectionName(name).ok()) continue;  // not ours; leave it alone
    if (e.FileSize(path).ok()) continue;               // a file, not a collection directory
    Result<std::shared_ptr<CollectionImpl>> c =
        CollectionImpl::Open(env, name, path, engine->background_merges_);
    if (!c.ok()) return c.status().WithContext("cannot load collection '" + name + "'");
    engine->collections_[name] = std::move(c).value();
  }
  return engine;
}

Result<std::shared_ptr<Collection>> EngineImpl::CreateCollection(const std::string& name,
                                                                 const CollectionConfig& config) {
  QUARRY_RETURN_IF_ERROR(ValidateCollectionName(name));
  QUARRY_RETURN_IF_ERROR(ValidateCollectionConfig(config));
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (collections_.count(name) != 0) {
    return Status::AlreadyExists("collection '" + name + "' already exists");
  }
  Env& e = *env_;
  const std::string tmp_dir = collections_dir_ + "/" + std::string(kTmpPrefix) + name;
  const std::string final_dir = collections_dir_ + "/" + name;
  QUARRY_RETURN_IF_ERROR(e.RemoveDirRecursively(tmp_dir));
  QUARRY_RETURN_IF_ERROR(e.CreateDir(tmp_dir));
  Status made = CollectionImpl::Create(e, name, tmp_dir, config);
  if (made.ok()) made = e.RenameFile(tmp_dir, final_dir);
  if (made.ok()) made = e.SyncDir(collections_dir_);
  if (!made.ok()) {
    (void)e.RemoveDirRecursively(tmp_dir);
    return made;
  }
  QUARRY_ASSIGN_OR_RETURN(std::shared_ptr<CollectionImpl> c,
                          CollectionImpl::Open(env_, name, final_dir, background_merges_));
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
  return DropLocked(name);
}

Status EngineImpl::DropLocked(const std::string& name) {
  auto it = collections_.find(name);
  if (it == collections_.end()) return Status::NotFound("collection '" + name + "' does not exist");
  std::shared_ptr<CollectionImpl> c = it->second;
  c->MarkDropped();  // waits for an in-flight write or seal, then refuses new ones
  const std::string trash = collections_dir_ + "/" + std::string(kTrashPrefix) + name + "-" +
                            std::to_string(++trash_counter_);
  QUARRY_RETURN_IF_ERROR(env_->RenameFile(c->dir(), trash));
  collections_.erase(it);
  QUARRY_RETURN_IF_ERROR(env_->SyncDir(collections_dir_));
  (void)env_->RemoveDirRecursively(trash);  // a leftover is removed at the next open
  return Status::Ok();
}

}  // namespace engine
}  // namespace quarry
