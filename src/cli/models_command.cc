// `quarry models pull NAME` and `quarry models list`: fetch a model folder
// from a Hugging Face hub, verified, into the models directory; show what is
// there (embed/model_pull.h, embed/model_list.h, docs/design/model-hub.md).
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/config_file.h"
#include "embed/model_list.h"
#include "embed/model_pull.h"

namespace quarry::cli {
namespace {

struct ModelsFlags {
  std::string config_path;
  std::string models_dir;  // "" = the config file's [server] models_dir, else ./models
  // pull
  std::string name;
  std::string hub_url;  // "" = $HF_ENDPOINT, else https://huggingface.co
  std::string revision = "main";
  uint64_t max_file_bytes = embed::PullOptions{}.max_file_bytes;
  unsigned timeout_s = 60;
  bool force = false;
  // list
  bool json = false;
};

Result<std::string> ModelsDir(const ModelsFlags& flags) {
  if (!flags.models_dir.empty()) return flags.models_dir;
  if (!flags.config_path.empty()) {
    QUARRY_ASSIGN_OR_RETURN(FileConfig file, LoadConfigFile(flags.config_path));
    if (file.models_dir) return *file.models_dir;
  }
  return std::string("./models");
}

int RunPull(const ModelsFlags& flags) {
  Result<std::string> dir = ModelsDir(flags);
  if (!dir.ok()) return FailWith(dir.status());
  embed::PullOptions o;
  o.repo = flags.name;
  o.revision = flags.revision;
  o.models_dir = *dir;
  o.max_file_bytes = flags.max_file_bytes;
  o.force = flags.force;
  o.timeout = std::chrono::seconds(flags.timeout_s);
  if (!flags.hub_url.empty()) {
    o.hub_url = flags.hub_url;
  } else if (const char* env = std::getenv("HF_ENDPOINT"); env != nullptr && *env != '\0') {
    o.hub_url = env;
  }
  if (const char* token = std::getenv("HF_TOKEN"); token != nullptr) o.token = token;
  o.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  std::fprintf(stderr, "pulling %s (revision %s) from %s into %s\n", o.repo.c_str(),
               o.revision.c_str(), o.hub_url.c_str(), o.models_dir.c_str());
  Result<embed::PullResult> r = embed::PullModel(o);
  if (!r.ok()) {
    return FailWith(Status(r.status().code(), "pull of " + o.repo + " failed, nothing installed: " +
                                                  r.status().message()));
  }
  if (r->already_present) {
    std::printf("%s is already present at commit %s in %s (--force downloads it again)\n",
                o.repo.c_str(), r->commit.c_str(), r->folder.c_str());
  } else {
    std::printf("installed %s at commit %s in %s: %zu files, %llu bytes, verified\n",
                o.repo.c_str(), r->commit.c_str(), r->folder.c_str(), r->files,
                static_cast<unsigned long long>(r->bytes));
  }
  return kExitOk;
}

const char* CheckName(embed::ModelCheck c) {
  switch (c) {
    case embed::ModelCheck::kVerified: return "verified";
    case embed::ModelCheck::kChanged: return "changed";
    case embed::ModelCheck::kNone: break;
  }
  return "unverified";
}

int RunList(const ModelsFlags& flags) {
  Result<std::string> dir = ModelsDir(flags);
  if (!dir.ok()) return FailWith(dir.status());
  Result<std::vector<embed::ModelEntry>> models = embed::ListModels(*dir);
  if (!models.ok()) return FailWith(models.status());
  if (flags.json) {
    boost::json::array out;
    for (const embed::ModelEntry& m : *models) {
      out.push_back(boost::json::object{{"id", m.id},
                                        {"folder", m.folder},
                                        {"dimensions", m.dimensions},
                                        {"check", CheckName(m.check)},
                                        {"commit", m.commit},
                                        {"bytes", m.bytes}});
    }
    std::printf("%s\n", boost::json::serialize(out).c_str());
    return kExitOk;
  }
  if (models->empty()) {
    std::printf("no models in %s\n", dir->c_str());
    return kExitOk;
  }
  std::printf("%-48s %10s %-10s %12s\n", "MODEL", "DIMENSIONS", "CHECK", "BYTES");
  for (const embed::ModelEntry& m : *models) {
    std::printf("%-48s %10u %-10s %12llu\n", m.id.c_str(), m.dimensions, CheckName(m.check),
                static_cast<unsigned long long>(m.bytes));
  }
  return kExitOk;
}

}  // namespace

CommandRunner RegisterModels(CLI::App& app) {
  auto flags = std::make_shared<ModelsFlags>();
  CLI::App* cmd = app.add_subcommand("models", "Download (pull) and list embedding models");
  cmd->require_subcommand(1);
  const auto common = [&](CLI::App* sub) {
    sub->add_option("--models-dir", flags->models_dir,
                    "Models directory (default: the config file's models_dir, else ./models)");
    sub->add_option("--config", flags->config_path, "TOML config file (for [server] models_dir)");
  };
  CLI::App* pull = cmd->add_subcommand(
      "pull", "Download a sentence-transformers model from a Hugging Face hub, verified");
  pull->add_option("name", flags->name, "owner/name, e.g. sentence-transformers/all-MiniLM-L6-v2")
      ->required();
  pull->add_option("--hub-url", flags->hub_url,
                   "Hub endpoint (default: $HF_ENDPOINT, else https://huggingface.co)");
  pull->add_option("--revision", flags->revision, "Branch, tag or commit")->capture_default_str();
  pull->add_option("--max-file-bytes", flags->max_file_bytes, "Refuse larger files")
      ->capture_default_str();
  pull->add_option("--timeout", flags->timeout_s, "Seconds without progress before giving up")
      ->check(CLI::Range(1u, 3600u))
      ->capture_default_str();
  pull->add_flag("--force", flags->force, "Download again even if this commit is installed");
  common(pull);
  CLI::App* list = cmd->add_subcommand("list", "List the models of the models directory");
  list->add_flag("--json", flags->json, "Print JSON");
  common(list);
  return [flags, pull, list] {
    if (pull->parsed()) return RunPull(*flags);
    if (list->parsed()) return RunList(*flags);
    return Fail(kExitUsageError, "quarry models: pull or list");
  };
}

}  // namespace quarry::cli
