// `quarry collections`: list the collections of a data directory.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <memory>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "quarry/engine.h"
#include "server/response_json.h"

namespace quarry::cli {
namespace {

struct CollectionsFlags {
  std::string data = "./quarry-data";
  bool json = false;
};

int RunCollections(const CollectionsFlags& flags) {
  auto engine = Engine::Open({.data_dir = flags.data, .background_merges = false});
  if (!engine.ok()) return FailWith(engine.status());
  std::vector<CollectionInfo> list = (*engine)->ListCollections();
  if (flags.json) {
    boost::json::array out;
    for (const CollectionInfo& info : list) out.push_back(server::CollectionInfoToJson(info));
    std::printf("%s\n", boost::json::serialize(out).c_str());
    return kExitOk;
  }
  if (list.empty()) {
    std::printf("no collections in %s\n", flags.data.c_str());
    return kExitOk;
  }
  std::printf("%-24s %10s %10s %10s  %s\n", "NAME", "DOCUMENTS", "CHUNKS", "GENERATION",
              "EMBEDDER");
  for (const CollectionInfo& info : list) {
    std::printf("%-24s %10llu %10llu %10llu  %s\n", info.name.c_str(),
                static_cast<unsigned long long>(info.documents),
                static_cast<unsigned long long>(info.chunks),
                static_cast<unsigned long long>(info.generation),
                info.embedder_fingerprint.c_str());
  }
  return kExitOk;
}

}  // namespace

CommandRunner RegisterCollections(CLI::App& app) {
  auto flags = std::make_shared<CollectionsFlags>();
  CLI::App* cmd = app.add_subcommand("collections", "List collections");
  cmd->add_option("--data", flags->data, "Data directory")->capture_default_str();
  cmd->add_flag("--json", flags->json, "Print JSON");
  return [flags] { return RunCollections(*flags); };
}

}  // namespace quarry::cli
