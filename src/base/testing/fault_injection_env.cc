#include "base/testing/fault_injection_env.h"

#include <array>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

namespace quarry::testing {
namespace {

// The bytes [offset, offset + bytes.size()) of a file as they were just
// before an operation overwrote or cut them. Only bytes below the synced
// size are saved: those are the ones a power cut must give back.
struct PreImage {
  uint64_t offset = 0;
  std::string bytes;
};

// A file or directory the env has touched. Directories know the children the
// env has touched (not all of their entries); a node's path is found by
// walking up, so renaming a directory moves everything tracked under it.
struct Node {
  bool is_dir = false;
  bool is_root = false;
  std::weak_ptr<Node> parent;  // empty for a root and for an unlinked node
  std::string name;
  std::map<std::string, std::shared_ptr<Node>> children;
  // Files: the size at the last Sync (or when first seen), and the pre-images
  // of synced bytes changed since, oldest first.
  uint64_t synced_size = 0;
  std::vector<PreImage> pre_images;
};
using NodePtr = std::shared_ptr<Node>;

enum class Kind { kAbsent, kFile, kDir };

enum class EntryKind { kCreateFile, kCreateDir, kRemoveFile, kRename };

// A change of directory entries that no SyncDir has made durable yet.
struct PendingEntry {
  EntryKind kind;
  NodePtr node;  // the file or directory the entry is about
  NodePtr dir;   // where it was created or removed, or renamed from
  std::string name;
  NodePtr to_dir;  // kRename: where it went
  std::string to_name;
  NodePtr replaced;                        // kRename: what stood at the target and was replaced
  std::string content;                     // durable content of the removed or replaced file
  std::vector<const Node*> unsynced_dirs;  // SyncDir of each makes it durable
};

// A path split into components, "." dropped and ".." applied lexically.
struct SplitPath {
  bool absolute = false;
  std::vector<std::string> parts;
};

SplitPath Split(const std::string& path) {
  SplitPath out;
  out.absolute = !path.empty() && path[0] == '/';
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    std::string_view part(path.data() + begin, end - begin);
    if (part == "..") {
      if (!out.parts.empty() && out.parts.back() != "..") {
        out.parts.pop_back();
      } else if (!out.absolute) {
        out.parts.emplace_back(part);
      }
    } else if (!part.empty() && part != ".") {
      out.parts.emplace_back(part);
    }
    begin = end + 1;
  }
  return out;
}

}  // namespace

class FaultInjectionEnv::Model {
 public:
  explicit Model(std::shared_ptr<Env> target) : target_(std::move(target)) { ResetTracking(); }

  const std::shared_ptr<Env> target_;
  std::mutex mu_;
  // Everything below is guarded by mu_.
  uint64_t generation_ = 0;  // bumped by each power loss; older handles are dead
  std::array<uint64_t, kEnvOpCount> counts_{};
  uint64_t countdown_ = 0;  // FailAfter: operations left until the planned fault; 0 for none
  InjectedFault planned_fault_ = InjectedFault::kIoError;
  bool sticky_ = false;
  bool failing_all_ = false;
  bool disk_full_ = false;

  Status CheckGeneration(uint64_t opened_in, const std::string& path) const {
    if (opened_in == generation_) return Status::Ok();
    return Status::FailedPrecondition("'" + path + "' was opened before a simulated power loss");
  }

  // Counts `op` and decides whether it fails. `what` describes it for the
  // message ("append to '/x/y'").
  Status Inject(EnvOp op, const std::string& what) {
    ++counts_[static_cast<size_t>(op)];
    bool fail = false;
    InjectedFault fault = planned_fault_;
    if (countdown_ > 0 && --countdown_ == 0) {
      fail = true;
      if (sticky_) failing_all_ = true;
    }
    if (failing_all_) fail = true;
    if (!fail && disk_full_ &&
        (op == EnvOp::kAppend || op == EnvOp::kWriteAt || op == EnvOp::kAllocate)) {
      fail = true;
      fault = InjectedFault::kNoSpace;
    }
    if (!fail) return Status::Ok();
    if (fault == InjectedFault::kNoSpace) {
      return Status::NoSpace("injected ENOSPC: " + what);
    }
    return Status::IOError("injected EIO: " + what);
  }

  Kind KindOf(const std::string& path) {
    if (target_->FileSize(path).ok()) return Kind::kFile;
    return target_->FileExists(path) ? Kind::kDir : Kind::kAbsent;
  }

  // The tracked node at `path`, or null.
  NodePtr Find(const std::string& path) {
    SplitPath split = Split(path);
    NodePtr node = Root(split);
    for (const std::string& part : split.parts) {
      auto it = node->children.find(part);
      if (it == node->children.end()) return nullptr;
      node = it->second;
    }
    return node;
  }

  // The directory holding `path` (tracked from now on; directories first
  // seen here are taken as durable) and the last component.
  std::pair<NodePtr, std::string> ParentOf(const std::string& path) {
    SplitPath split = Split(path);
    NodePtr dir = Root(split);
    if (split.parts.empty()) return {dir, ""};
    for (size_t i = 0; i + 1 < split.parts.size(); ++i) {
      NodePtr& child = dir->children[split.parts[i]];
      if (child == nullptr) {
        child = std::make_shared<Node>();
        child->is_dir = true;
        child->parent = dir;
        child->name = split.parts[i];
      }
      dir = child;
    }
    return {dir, split.parts.back()};
  }

  // The node of an existing file or directory, tracked from now on; one
  // first seen here is taken as durable, with its current size.
  NodePtr Adopt(const std::string& path, bool is_dir) {
    auto [dir, name] = ParentOf(path);
    if (name.empty()) return dir;  // a root
    NodePtr& node = dir->children[name];
    if (node == nullptr) {
      node = std::make_shared<Node>();
      node->is_dir = is_dir;
      node->parent = dir;
      node->name = name;
      if (!is_dir) {
        auto size = target_->FileSize(path);
        node->synced_size = size.ok() ? *size : 0;
      }
    }
    return node;
  }

  // A node for a file or directory that did not exist; its synced size is 0.
  NodePtr Create(const std::string& path, bool is_dir) {
    auto [dir, name] = ParentOf(path);
    auto stale = dir->children.find(name);
    if (stale != dir->children.end()) Detach(*stale->second);  // gone behind our back
    auto node = std::make_shared<Node>();
    node->is_dir = is_dir;
    Attach(node, dir, name);
    return node;
  }

  static void Attach(const NodePtr& node, const NodePtr& dir, const std::string& name) {
    dir->children[name] = node;
    node->parent = dir;
    node->name = name;
  }

  static void Detach(Node& node) {
    if (NodePtr dir = node.parent.lock()) {
      auto it = dir->children.find(node.name);
      if (it != dir->children.end() && it->second.get() == &node) dir->children.erase(it);
    }
    node.parent.reset();
  }

  // The node's path, or "" when it is no longer linked under a root.
  static std::string PathOf(const Node& node) {
    std::vector<const std::string*> names;
    NodePtr holder;
    const Node* at = &node;
    while (!at->is_root) {
      names.push_back(&at->name);
      holder = at->parent.lock();
      if (holder == nullptr) return "";
      at = holder.get();
    }
    if (names.empty()) return at->name;  // "/" or "."
    const bool absolute = at->name == "/";
    std::string path;
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
      if (!path.empty() || absolute) path += '/';
      path += **it;
    }
    return path;
  }

  static bool IsLinked(const Node& node) { return node.is_root || !PathOf(node).empty(); }

  static bool LinkedAt(const Node& node, const NodePtr& dir, const std::string& name) {
    if (!IsLinked(*dir)) return false;
    auto it = dir->children.find(name);
    return it != dir->children.end() && it->second.get() == &node;
  }

  // Saves the synced bytes of [offset, offset + length) before they change.
  Status SavePreImage(Node& node, const std::string& path, uint64_t offset, uint64_t length) {
    if (offset >= node.synced_size || length == 0) return Status::Ok();
    const uint64_t end = std::min(node.synced_size, offset + std::min(length, node.synced_size));
    QUARRY_ASSIGN_OR_RETURN(std::string bytes, ReadRange(path, offset, end - offset));
    if (!bytes.empty()) node.pre_images.push_back({offset, std::move(bytes)});
    return Status::Ok();
  }

  // What the file would hold after a power cut: its synced size, with the
  // pre-images put back newest first so the oldest (the synced bytes) win.
  Result<std::string> DurableContent(const Node& node, const std::string& path) {
    QUARRY_ASSIGN_OR_RETURN(std::string content, ReadRange(path, 0, node.synced_size));
    content.resize(node.synced_size, '\0');
    for (auto it = node.pre_images.rbegin(); it != node.pre_images.rend(); ++it) {
      content.replace(it->offset, it->bytes.size(), it->bytes);
    }
    return content;
  }

  void AddPending(PendingEntry entry) {
    entry.unsynced_dirs.push_back(entry.dir.get());
    if (entry.to_dir != nullptr && entry.to_dir != entry.dir) {
      entry.unsynced_dirs.push_back(entry.to_dir.get());
    }
    pending_.push_back(std::move(entry));
  }

  void MarkDirSynced(const Node* dir) {
    for (PendingEntry& entry : pending_) std::erase(entry.unsynced_dirs, dir);
    std::erase_if(pending_, [](const PendingEntry& e) { return e.unsynced_dirs.empty(); });
  }

  Status PowerLoss() {
    Status first;
    auto note = [&first](Status s) {
      if (first.ok() && !s.ok()) first = std::move(s);
    };
    for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) note(Undo(*it));
    std::vector<NodePtr> stack(roots_.begin(), roots_.end());
    while (!stack.empty()) {
      NodePtr node = std::move(stack.back());
      stack.pop_back();
      if (node->is_dir) {
        for (auto& [name, child] : node->children) stack.push_back(child);
      } else {
        note(RestoreData(*node, PathOf(*node)));
      }
    }
    ResetTracking();
    ++generation_;
    countdown_ = 0;
    failing_all_ = false;
    disk_full_ = false;
    counts_.fill(0);
    return first;
  }

 private:
  NodePtr Root(const SplitPath& split) { return roots_[split.absolute ? 1 : 0]; }

  void ResetTracking() {
    pending_.clear();
    for (int i = 0; i < 2; ++i) {
      roots_[i] = std::make_shared<Node>();
      roots_[i]->is_dir = true;
      roots_[i]->is_root = true;
      roots_[i]->name = i == 0 ? "." : "/";
    }
  }

  Result<std::string> ReadRange(const std::string& path, uint64_t offset, uint64_t length) {
    QUARRY_ASSIGN_OR_RETURN(auto file, target_->NewRandomAccessFile(path));
    const uint64_t size = file->Size();
    if (offset >= size) return std::string();
    std::string out(static_cast<size_t>(std::min(length, size - offset)), '\0');
    QUARRY_ASSIGN_OR_RETURN(
        size_t n,
        file->Read(offset, std::span(reinterpret_cast<uint8_t*>(out.data()), out.size())));
    out.resize(n);
    return out;
  }

  Status WriteWhole(const std::string& path, const std::string& content) {
    QUARRY_ASSIGN_OR_RETURN(auto file, target_->NewWritableFile(path, OpenMode::kTruncate));
    QUARRY_RETURN_IF_ERROR(file->Append(content));
    return file->Close();
  }

  static std::string Join(const Node& dir, const std::string& name) {
    std::string path = PathOf(dir);
    if (path != "/") path += '/';
    return path + name;
  }

  // Makes a resurrected file's tracked state match what was written back.
  static void MarkWholeFileSynced(Node& node, const std::string& content) {
    node.synced_size = content.size();
    node.pre_images.clear();
  }

  // Undoes one entry if the tree still looks as the entry left it (a later
  // durable change, or a durable RemoveDirRecursively, may have moved on).
  Status Undo(PendingEntry& e) {
    switch (e.kind) {
      case EntryKind::kCreateFile:
      case EntryKind::kCreateDir: {
        if (!LinkedAt(*e.node, e.dir, e.name)) return Status::Ok();
        const std::string path = Join(*e.dir, e.name);
        Detach(*e.node);
        return e.kind == EntryKind::kCreateFile ? target_->RemoveFile(path)
                                                : target_->RemoveDirRecursively(path);
      }
      case EntryKind::kRemoveFile: {
        if (!IsLinked(*e.dir) || e.dir->children.contains(e.name)) return Status::Ok();
        const std::string path = Join(*e.dir, e.name);
        if (target_->FileExists(path)) return Status::Ok();
        QUARRY_RETURN_IF_ERROR(WriteWhole(path, e.content));
        Attach(e.node, e.dir, e.name);
        MarkWholeFileSynced(*e.node, e.content);
        return Status::Ok();
      }
      case EntryKind::kRename: {
        if (!LinkedAt(*e.node, e.to_dir, e.to_name) || !IsLinked(*e.dir) ||
            e.dir->children.contains(e.name)) {
          return Status::Ok();
        }
        const std::string from = Join(*e.dir, e.name);
        const std::string to = Join(*e.to_dir, e.to_name);
        if (target_->FileExists(from)) return Status::Ok();
        QUARRY_RETURN_IF_ERROR(target_->RenameFile(to, from));
        Detach(*e.node);
        Attach(e.node, e.dir, e.name);
        if (e.replaced == nullptr) return Status::Ok();
        if (e.replaced->is_dir) {
          QUARRY_RETURN_IF_ERROR(target_->CreateDir(to));
        } else {
          QUARRY_RETURN_IF_ERROR(WriteWhole(to, e.content));
          MarkWholeFileSynced(*e.replaced, e.content);
        }
        Attach(e.replaced, e.to_dir, e.to_name);
        return Status::Ok();
      }
    }
    return Status::Ok();
  }

  // Cuts a file back to its synced size and puts its synced bytes back.
  Status RestoreData(const Node& node, const std::string& path) {
    auto size = target_->FileSize(path);
    if (!size.ok()) {
      // Removed behind the env's back (a test's own cleanup): nothing to restore.
      return size.status().code() == StatusCode::kNotFound ? Status::Ok() : size.status();
    }
    if (*size == node.synced_size && node.pre_images.empty()) return Status::Ok();
    QUARRY_RETURN_IF_ERROR(target_->TruncateFile(path, node.synced_size));
    if (node.pre_images.empty()) return Status::Ok();
    QUARRY_ASSIGN_OR_RETURN(auto file, target_->NewWritableFile(path, OpenMode::kAppend));
    for (auto it = node.pre_images.rbegin(); it != node.pre_images.rend(); ++it) {
      QUARRY_RETURN_IF_ERROR(file->WriteAt(it->offset, it->bytes));
    }
    return file->Close();
  }

  std::array<NodePtr, 2> roots_;       // relative paths, absolute paths
  std::vector<PendingEntry> pending_;  // oldest first
};

namespace {

using Model = FaultInjectionEnv::Model;

std::string Quoted(const std::string& path) { return "'" + path + "'"; }

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(std::shared_ptr<Model> model, NodePtr node,
                    std::unique_ptr<WritableFile> target, std::string opened_path,
                    uint64_t generation)
      : model_(std::move(model)),
        node_(std::move(node)),
        target_(std::move(target)),
        opened_path_(std::move(opened_path)),
        generation_(generation) {}

  Status Append(std::string_view data) override {
    return Write(EnvOp::kAppend, "append to ", target_->Size(), data);
  }

  Status WriteAt(uint64_t offset, std::string_view data) override {
    return Write(EnvOp::kWriteAt, "write to ", offset, data);
  }

  Status Allocate(uint64_t offset, uint64_t length) override {
    std::lock_guard lock(model_->mu_);
    QUARRY_RETURN_IF_ERROR(model_->CheckGeneration(generation_, opened_path_));
    QUARRY_RETURN_IF_ERROR(model_->Inject(EnvOp::kAllocate, "allocate in " + Shown()));
    // Allocation only grows the file past its synced size (cut at a power
    // loss) or reserves blocks under existing bytes: no pre-image needed.
    return target_->Allocate(offset, length);
  }

  Status Sync() override {
    std::lock_guard lock(model_->mu_);
    QUARRY_RETURN_IF_ERROR(model_->CheckGeneration(generation_, opened_path_));
    QUARRY_RETURN_IF_ERROR(model_->Inject(EnvOp::kSync, "sync " + Shown()));
    QUARRY_RETURN_IF_ERROR(target_->Sync());
    const std::string path = Model::PathOf(*node_);
    if (path.empty()) return Status::Ok();  // removed while open: its content was captured then
    QUARRY_ASSIGN_OR_RETURN(uint64_t size, model_->target_->FileSize(path));
    node_->synced_size = size;
    node_->pre_images.clear();
    return Status::Ok();
  }

  // Closing only releases the descriptor, so it works even on a handle from
  // before a power loss.
  Status Close() override {
    std::lock_guard lock(model_->mu_);
    return target_->Close();
  }

  uint64_t Size() const override { return target_->Size(); }

 private:
  // The file's current name, for messages.
  std::string Shown() const {
    std::string path = Model::PathOf(*node_);
    return Quoted(path.empty() ? opened_path_ : path);
  }

  Status Write(EnvOp op, const char* what, uint64_t offset, std::string_view data) {
    std::lock_guard lock(model_->mu_);
    QUARRY_RETURN_IF_ERROR(model_->CheckGeneration(generation_, opened_path_));
    QUARRY_RETURN_IF_ERROR(model_->Inject(op, what + Shown()));
    const std::string path = Model::PathOf(*node_);
    if (!path.empty()) {
      QUARRY_RETURN_IF_ERROR(model_->SavePreImage(*node_, path, offset, data.size()));
    }
    return op == EnvOp::kAppend ? target_->Append(data) : target_->WriteAt(offset, data);
  }

  const std::shared_ptr<Model> model_;
  const NodePtr node_;
  const std::unique_ptr<WritableFile> target_;
  const std::string opened_path_;
  const uint64_t generation_;
};

}  // namespace

FaultInjectionEnv::FaultInjectionEnv(std::shared_ptr<Env> target)
    : model_(std::make_shared<Model>(std::move(target))) {}

FaultInjectionEnv::~FaultInjectionEnv() = default;

Status FaultInjectionEnv::SimulatePowerLoss() {
  std::lock_guard lock(model_->mu_);
  return model_->PowerLoss();
}

void FaultInjectionEnv::FailAfter(uint64_t n, InjectedFault fault, bool sticky) {
  std::lock_guard lock(model_->mu_);
  model_->countdown_ = n;
  model_->planned_fault_ = fault;
  model_->sticky_ = sticky;
  model_->failing_all_ = false;
}

void FaultInjectionEnv::SetDiskFull(bool full) {
  std::lock_guard lock(model_->mu_);
  model_->disk_full_ = full;
}

void FaultInjectionEnv::ClearFaults() {
  std::lock_guard lock(model_->mu_);
  model_->countdown_ = 0;
  model_->failing_all_ = false;
  model_->disk_full_ = false;
}

uint64_t FaultInjectionEnv::OpCount(EnvOp op) const {
  std::lock_guard lock(model_->mu_);
  return model_->counts_[static_cast<size_t>(op)];
}

uint64_t FaultInjectionEnv::MutatingOpCount() const {
  std::lock_guard lock(model_->mu_);
  uint64_t total = 0;
  for (uint64_t c : model_->counts_) total += c;
  return total;
}

void FaultInjectionEnv::ResetCounters() {
  std::lock_guard lock(model_->mu_);
  model_->counts_.fill(0);
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& path,
                                                                         OpenMode mode) {
  Model& m = *model_;
  std::lock_guard lock(m.mu_);
  QUARRY_RETURN_IF_ERROR(m.Inject(EnvOp::kNewWritableFile, "open for writing " + Quoted(path)));
  const Kind before = m.KindOf(path);
  NodePtr node;
  if (before == Kind::kFile) {
    node = m.Adopt(path, /*is_dir=*/false);
    if (mode == OpenMode::kTruncate) {
      QUARRY_RETURN_IF_ERROR(m.SavePreImage(*node, path, 0, node->synced_size));
    }
  }
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                          m.target_->NewWritableFile(path, mode));
  if (before == Kind::kAbsent) {
    node = m.Create(path, /*is_dir=*/false);
    NodePtr dir = node->parent.lock();
    m.AddPending({.kind = EntryKind::kCreateFile, .node = node, .dir = dir, .name = node->name});
  }
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultWritableFile>(model_, node, std::move(file), path, m.generation_));
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectionEnv::NewRandomAccessFile(
    const std::string& path) {
  return model_->target_->NewRandomAccessFile(path);
}

Result<MappedFile> FaultInjectionEnv::MapFile(const std::string& path) {
  return model_->target_->MapFile(path);
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  Model& m = *model_;
  std::lock_guard lock(m.mu_);
  QUARRY_RETURN_IF_ERROR(
      m.Inject(EnvOp::kRenameFile, "rename " + Quoted(from) + " to " + Quoted(to)));
  const Kind from_kind = m.KindOf(from);
  if (from_kind == Kind::kAbsent) return m.target_->RenameFile(from, to);  // fails: not tracked
  const Kind to_kind = m.KindOf(to);
  NodePtr node = m.Adopt(from, from_kind == Kind::kDir);
  NodePtr replaced;
  std::string replaced_content;
  if (to_kind != Kind::kAbsent) {
    replaced = m.Adopt(to, to_kind == Kind::kDir);
    if (replaced == node) return m.target_->RenameFile(from, to);  // one file, two spellings
    if (to_kind == Kind::kFile) {
      QUARRY_ASSIGN_OR_RETURN(replaced_content, m.DurableContent(*replaced, to));
    }
  }
  QUARRY_RETURN_IF_ERROR(m.target_->RenameFile(from, to));
  NodePtr from_dir = node->parent.lock();
  const std::string from_name = node->name;
  Model::Detach(*node);
  if (replaced != nullptr) Model::Detach(*replaced);
  auto [to_dir, to_name] = m.ParentOf(to);
  Model::Attach(node, to_dir, to_name);
  m.AddPending({.kind = EntryKind::kRename,
                .node = node,
                .dir = from_dir,
                .name = from_name,
                .to_dir = to_dir,
                .to_name = to_name,
                .replaced = replaced,
                .content = std::move(replaced_content)});
  return Status::Ok();
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  Model& m = *model_;
  std::lock_guard lock(m.mu_);
  QUARRY_RETURN_IF_ERROR(m.Inject(EnvOp::kRemoveFile, "remove " + Quoted(path)));
  if (m.KindOf(path) != Kind::kFile) return m.target_->RemoveFile(path);  // fails: not tracked
  NodePtr node = m.Adopt(path, /*is_dir=*/false);
  QUARRY_ASSIGN_OR_RETURN(std::string content, m.DurableContent(*node, path));
  QUARRY_RETURN_IF_ERROR(m.target_->RemoveFile(path));
  NodePtr dir = node->parent.lock();
  const std::string name = node->name;
  Model::Detach(*node);
  m.AddPending({.kind = EntryKind::kRemoveFile,
                .node = node,
                .dir = dir,
                .name = name,
                .content = std::move(content)});
  return Status::Ok();
}

Status FaultInjectionEnv::TruncateFile(const std::string& path, uint64_t size) {
  Model& m = *model_;
  std::lock_guard lock(m.mu_);
  QUARRY_RETURN_IF_ERROR(m.Inject(EnvOp::kTruncateFile, "truncate " + Quoted(path)));
  if (m.KindOf(path) == Kind::kFile) {
    NodePtr node = m.Adopt(path, /*is_dir=*/false);
    if (size < node->synced_size) {
      QUARRY_RETURN_IF_ERROR(m.SavePreImage(*node, path, size, node->synced_size - size));
    }
  }
  return m.target_->TruncateFile(path, size);
}

Status FaultInjectionEnv::CreateDir(const std::string& path) {
  Model& m = *model_;
  std::lock_guard lock(m.mu_);
  QUARRY_RETURN_IF_ERROR(m.Inject(EnvOp::kCreateDir, "create directory " + Quoted(path)));
  const Kind before = m.KindOf(path);
  QUARRY_RETURN_IF_ERROR(m.target_->CreateDir(path));
  if (before == Kind::kAbsent) {
    NodePtr node = m.Create(path, /*is_dir=*/true);
    NodePtr dir = node->parent.lock();
    m.AddPending({.kind = EntryKind::kCreateDir, .node = node, .dir = dir, .name = node->name});
  }
  return Status::Ok();
}

Status FaultInjectionEnv::RemoveDirRecursively(const std::string& path) {
  Model& m = *model_;
  std::lock_guard lock(m.mu_);
  QUARRY_RETURN_IF_ERROR(m.Inject(EnvOp::kRemoveDir, "remove directory " + Quoted(path)));
  QUARRY_RETURN_IF_ERROR(m.target_->RemoveDirRecursively(path));
  // Taken as durable at once: pending entries under it find their directory
  // unlinked at a power loss and are left alone.
  if (NodePtr node = m.Find(path); node != nullptr && !node->is_root) Model::Detach(*node);
  return Status::Ok();
}

Status FaultInjectionEnv::SyncDir(const std::string& path) {
  Model& m = *model_;
  std::lock_guard lock(m.mu_);
  QUARRY_RETURN_IF_ERROR(m.Inject(EnvOp::kSyncDir, "sync directory " + Quoted(path)));
  QUARRY_RETURN_IF_ERROR(m.target_->SyncDir(path));
  if (NodePtr node = m.Find(path)) m.MarkDirSynced(node.get());
  return Status::Ok();
}

Result<std::vector<std::string>> FaultInjectionEnv::ListDir(const std::string& path) {
  return model_->target_->ListDir(path);
}

bool FaultInjectionEnv::FileExists(const std::string& path) {
  return model_->target_->FileExists(path);
}

Result<uint64_t> FaultInjectionEnv::FileSize(const std::string& path) {
  return model_->target_->FileSize(path);
}

Result<uint64_t> FaultInjectionEnv::FreeSpace(const std::string& path) {
  return model_->target_->FreeSpace(path);
}

Result<std::unique_ptr<FileLock>> FaultInjectionEnv::LockFile(const std::string& path) {
  return model_->target_->LockFile(path);
}

}  // namespace quarry::testing
