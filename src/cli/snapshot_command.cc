// `quarry snapshot create|list|restore|delete`: snapshots of a collection,
// the same operations as /api/collections/{name}/snapshots, on a data
// directory no server holds.
#include <cstdio>
#include <memory>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "quarry/engine.h"

namespace quarry::cli {
namespace {

struct SnapshotFlags {
  std::string data = "./quarry-data";
  std::string collection;
  std::string name;    // delete: the snapshot's name
  std::string file;    // restore: an archive path
  bool replace = false;
};

int RunCreate(const SnapshotFlags& f) {
  auto engine = Engine::Open({.data_dir = f.data, .background_merges = false});
  if (!engine.ok()) return FailWith(engine.status());
  Result<SnapshotInfo> snap = (*engine)->CreateSnapshot(f.collection);
  if (!snap.ok()) return FailWith(snap.status());
  std::printf("created snapshot %s (%llu bytes)\n%s\n", snap->name.c_str(),
              static_cast<unsigned long long>(snap->bytes), snap->path.c_str());
  return kExitOk;
}

int RunList(const SnapshotFlags& f) {
  auto engine = Engine::Open({.data_dir = f.data, .background_merges = false});
  if (!engine.ok()) return FailWith(engine.status());
  Result<std::vector<SnapshotInfo>> snaps = (*engine)->ListSnapshots(f.collection);
  if (!snaps.ok()) return FailWith(snaps.status());
  if (snaps->empty()) std::printf("no snapshots of %s\n", f.collection.c_str());
  for (const SnapshotInfo& s : *snaps) {
    std::printf("%-56s %14llu  %s\n", s.name.c_str(), static_cast<unsigned long long>(s.bytes),
                s.path.c_str());
  }
  return kExitOk;
}

int RunRestore(const SnapshotFlags& f) {
  auto engine = Engine::Open({.data_dir = f.data, .background_merges = false});
  if (!engine.ok()) return FailWith(engine.status());
  Result<std::shared_ptr<Collection>> c =
      (*engine)->RestoreSnapshot(f.file, f.collection, f.replace);
  if (!c.ok()) return FailWith(c.status());
  const CollectionInfo info = (*c)->Info();
  std::printf("restored %s: %llu documents, %llu chunks\n", info.name.c_str(),
              static_cast<unsigned long long>(info.documents),
              static_cast<unsigned long long>(info.chunks));
  return kExitOk;
}

int RunDelete(const SnapshotFlags& f) {
  auto engine = Engine::Open({.data_dir = f.data, .background_merges = false});
  if (!engine.ok()) return FailWith(engine.status());
  Status s = (*engine)->DeleteSnapshot(f.collection, f.name);
  if (!s.ok()) return FailWith(s);
  std::printf("deleted snapshot %s\n", f.name.c_str());
  return kExitOk;
}

}  // namespace

CommandRunner RegisterSnapshot(CLI::App& app) {
  auto f = std::make_shared<SnapshotFlags>();
  CLI::App* cmd = app.add_subcommand("snapshot", "Create, list, restore or delete snapshots");
  cmd->require_subcommand(1);
  CLI::App* create = cmd->add_subcommand("create", "Archive a collection into a snapshot");
  CLI::App* list = cmd->add_subcommand("list", "List a collection's snapshots");
  CLI::App* restore = cmd->add_subcommand("restore", "Restore a collection from an archive");
  CLI::App* remove = cmd->add_subcommand("delete", "Delete a snapshot");
  for (CLI::App* sub : {create, list, restore, remove}) {
    sub->add_option("--data", f->data, "Data directory")->capture_default_str();
  }
  for (CLI::App* sub : {create, list, remove}) {
    sub->add_option("--collection", f->collection, "Collection name")->required();
  }
  remove->add_option("name", f->name, "Snapshot name (from 'snapshot list')")->required();
  restore->add_option("file", f->file, "Snapshot archive (.qsnap)")->required();
  restore->add_option("--collection", f->collection, "Collection to restore into")->required();
  restore->add_flag("--replace", f->replace,
                    "Replace the collection if it exists (only after the archive is verified)");
  return [f, create, list, restore, remove]() {
    if (create->parsed()) return RunCreate(*f);
    if (list->parsed()) return RunList(*f);
    if (restore->parsed()) return RunRestore(*f);
    if (remove->parsed()) return RunDelete(*f);
    return Fail(kExitUsageError, "snapshot needs a command: create, list, restore or delete");
  };
}

}  // namespace quarry::cli
